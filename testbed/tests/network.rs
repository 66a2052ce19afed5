//! The testbed's network, without Mesos: hosts reach each other over the
//! bridge, cuts (both ways and one way) and heals, unplugging, NAT with
//! forwarded ports, the agents' hidden tree, and teardown and sweep leaving
//! nothing behind. Needs root (and iproute2, nftables); otherwise every
//! test says SKIPPED loudly and passes, or fails with
//! `MESOS_TEST_REQUIRE=1`.
//!
//! Sockets are opened inside the hosts with `Host::within`, so the test
//! process itself plays every host; tests run in parallel, each on a
//! testbed of its own.

#[path = "../../tests/support/skip.rs"]
mod skip;

use std::io::ErrorKind;
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use mesos_testbed::{Builder, Host, Testbed};

/// The testbed `builder` makes, or None after a loud SKIPPED line when
/// this machine cannot run one.
fn start(test: &str, builder: Builder) -> Option<Testbed> {
    match builder.start() {
        Ok(testbed) => Some(testbed),
        Err(e) if e.is_unavailable() => {
            skip::skip(test, e.message());
            None
        }
        Err(e) => panic!("{test}: the testbed did not start: {e}"),
    }
}

/// Hosts `a`, `b` and `c`, running nothing.
fn three_hosts() -> Builder {
    Testbed::builder()
        .masters(0)
        .agents(0)
        .network_only()
        .host("a")
        .host("b")
        .host("c")
}

const WAIT: Duration = Duration::from_secs(1);

fn listen(host: &Host, port: u16) -> TcpListener {
    host.within(|| TcpListener::bind((Ipv4Addr::UNSPECIFIED, port)))
        .unwrap()
        .unwrap_or_else(|e| panic!("listen on {}:{port}: {e}", host.name()))
}

fn connect(from: &Host, to: Ipv4Addr, port: u16) -> std::io::Result<TcpStream> {
    from.within(|| TcpStream::connect_timeout(&SocketAddr::from((to, port)), WAIT))
        .unwrap()
}

/// Whether a datagram `from` sends to `to` arrives.
fn datagram_arrives(from: &Host, to: &Host) -> bool {
    datagram_arrives_at(from, to, 0)
}

/// Whether a datagram `from` sends to `to`'s `port` (any free one for 0)
/// arrives.
fn datagram_arrives_at(from: &Host, to: &Host, port: u16) -> bool {
    let receiver = to
        .within(|| UdpSocket::bind((Ipv4Addr::UNSPECIFIED, port)))
        .unwrap()
        .unwrap();
    let port = receiver.local_addr().unwrap().port();
    receiver.set_read_timeout(Some(WAIT)).unwrap();
    let sender = from
        .within(|| UdpSocket::bind((Ipv4Addr::UNSPECIFIED, 0)))
        .unwrap()
        .unwrap();
    // A cut is silent: the send itself succeeds.
    sender
        .send_to(b"ping", (to.public_address(), port))
        .expect("a send is never refused, cut or not");
    let mut buffer = [0u8; 16];
    receiver.recv_from(&mut buffer).is_ok()
}

/// Whether a TCP connection from `from` to `to` completes.
fn tcp_connects(from: &Host, to: &Host, listener: &TcpListener) -> bool {
    let port = listener.local_addr().unwrap().port();
    match connect(from, to.public_address(), port) {
        Ok(_) => true,
        Err(e) => {
            // Lost packets, not a refusal: the connection times out.
            assert_eq!(e.kind(), ErrorKind::TimedOut, "{e}");
            false
        }
    }
}

#[test]
fn hosts_reach_each_other_over_the_bridge() {
    let Some(testbed) = start("hosts_reach_each_other_over_the_bridge", three_hosts()) else {
        return;
    };
    let (a, b) = (testbed.host("a").unwrap(), testbed.host("b").unwrap());
    assert_eq!(a.address(), Ipv4Addr::new(10, 231, 0, 100));
    let listener = listen(&b, 7000);
    connect(&a, b.address(), 7000).expect("a reaches b");
    let (_, peer) = listener.accept().unwrap();
    assert_eq!(peer.ip(), a.address(), "b sees a's own address");
}

#[test]
fn a_cut_blocks_both_ways_and_heal_restores() {
    let Some(testbed) = start("a_cut_blocks_both_ways_and_heal_restores", three_hosts()) else {
        return;
    };
    let [a, b, c] = ["a", "b", "c"].map(|h| testbed.host(h).unwrap());
    let (at_a, at_b) = (listen(&a, 7000), listen(&b, 7000));
    testbed.cut("a", "b").unwrap();
    assert!(testbed.is_cut("a", "b").unwrap() && testbed.is_cut("b", "a").unwrap());
    assert!(!tcp_connects(&a, &b, &at_b), "a reached b across the cut");
    assert!(!tcp_connects(&b, &a, &at_a), "b reached a across the cut");
    assert!(!datagram_arrives(&a, &b) && !datagram_arrives(&b, &a));
    // Only that link: c still reaches both.
    assert!(tcp_connects(&c, &a, &at_a) && tcp_connects(&c, &b, &at_b));

    testbed.heal("a", "b").unwrap();
    assert!(!testbed.is_cut("a", "b").unwrap() && !testbed.is_cut("b", "a").unwrap());
    assert!(tcp_connects(&a, &b, &at_b) && tcp_connects(&b, &a, &at_a));
    // Healing what is not cut is fine.
    testbed.heal("a", "b").unwrap();
    assert!(testbed
        .cut("a", "a")
        .unwrap_err()
        .to_string()
        .contains("twice"));
    assert!(testbed
        .cut("a", "nobody")
        .unwrap_err()
        .to_string()
        .contains("hosts: a, b, c"));
}

#[test]
fn a_one_way_cut_blocks_only_one_direction() {
    let Some(testbed) = start("a_one_way_cut_blocks_only_one_direction", three_hosts()) else {
        return;
    };
    let [a, b] = ["a", "b"].map(|h| testbed.host(h).unwrap());
    testbed.cut_one_way("a", "b").unwrap();
    assert!(testbed.is_cut("a", "b").unwrap() && !testbed.is_cut("b", "a").unwrap());
    assert!(
        !datagram_arrives(&a, &b),
        "a's datagram crossed a cut a -> b"
    );
    assert!(
        datagram_arrives(&b, &a),
        "b's datagram was lost, though only a -> b is cut"
    );
    // TCP needs both directions: it fails whichever side connects.
    let (at_a, at_b) = (listen(&a, 7000), listen(&b, 7000));
    assert!(!tcp_connects(&a, &b, &at_b) && !tcp_connects(&b, &a, &at_a));

    testbed.heal("b", "a").unwrap();
    assert!(datagram_arrives(&a, &b));
}

#[test]
fn isolate_unplugs_a_host_and_reconnect_plugs_it_back() {
    let Some(testbed) = start(
        "isolate_unplugs_a_host_and_reconnect_plugs_it_back",
        three_hosts(),
    ) else {
        return;
    };
    let [a, b, c] = ["a", "b", "c"].map(|h| testbed.host(h).unwrap());
    testbed.isolate("a").unwrap();
    assert!(!datagram_arrives(&a, &b) && !datagram_arrives(&c, &a));
    assert!(datagram_arrives(&b, &c), "isolating a cut b from c");
    testbed.reconnect("a").unwrap();
    assert!(datagram_arrives(&a, &b) && datagram_arrives(&c, &a));
}

#[test]
fn a_host_behind_nat_reaches_out_and_is_reached_only_on_forwarded_ports() {
    let Some(testbed) = start(
        "a_host_behind_nat_reaches_out_and_is_reached_only_on_forwarded_ports",
        three_hosts().behind_nat("c").forward_port("c", 9090),
    ) else {
        return;
    };
    let [a, c] = ["a", "c"].map(|h| testbed.host(h).unwrap());
    assert!(c.is_behind_nat());
    assert_eq!(c.address(), Ipv4Addr::new(10, 231, 1, 2));
    assert_eq!(c.public_address(), Ipv4Addr::new(10, 231, 0, 201));

    // Out: a sees the router's address, not c's.
    let at_a = listen(&a, 7000);
    connect(&c, a.address(), 7000).expect("c reaches a through its router");
    let (_, peer) = at_a.accept().unwrap();
    assert_eq!(peer.ip(), c.public_address(), "c is masqueraded");

    // In: c's own address has no route from the bridge, the router's
    // other ports lead nowhere, the forwarded one leads to c.
    let at_c = listen(&c, 9090);
    let _also = listen(&c, 9091);
    assert!(
        connect(&a, c.address(), 9090).is_err(),
        "a reached c's own address"
    );
    assert!(
        connect(&a, c.public_address(), 9091).is_err(),
        "an unforwarded port reached c"
    );
    connect(&a, c.public_address(), 9090).expect("the forwarded port reaches c");
    let (_, peer) = at_c.accept().unwrap();
    assert_eq!(peer.ip(), a.address());

    // A port forwarded later works too.
    testbed.forward_port("c", 9091).unwrap();
    connect(&a, c.public_address(), 9091).expect("the port forwarded later reaches c");
    assert!(testbed
        .forward_port("a", 1)
        .unwrap_err()
        .to_string()
        .contains("not behind NAT"));

    // Cuts see through the NAT: a cut c -> a drops what the router sends
    // on c's behalf. (Forwarded ports are forwarded for UDP too.)
    assert!(datagram_arrives(&c, &a) && datagram_arrives_at(&a, &c, 9090));
    testbed.cut_one_way("c", "a").unwrap();
    assert!(
        !datagram_arrives(&c, &a),
        "c's datagram crossed a cut c -> a"
    );
    assert!(datagram_arrives_at(&a, &c, 9090));
}

#[test]
fn an_agent_cannot_see_the_project_tree() {
    let Some(testbed) = start(
        "an_agent_cannot_see_the_project_tree",
        Testbed::builder().masters(1).agents(1).network_only(),
    ) else {
        return;
    };
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    assert!(workspace.join("Cargo.toml").is_file());
    let listing = |host: &str, path: &Path| {
        let output = testbed
            .host(host)
            .unwrap()
            .command("ls")
            .arg("-A")
            .arg(path)
            .output()
            .unwrap();
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let agent = testbed.host("agent0").unwrap();
    assert!(agent.hides_tree());
    assert_eq!(
        listing("agent0", workspace),
        "",
        "the agent sees the project's tree"
    );
    assert!(listing("scheduler", workspace).contains("Cargo.toml"));
    // The target directory this test runs from too, wherever it is.
    let exe = std::env::current_exe().unwrap();
    let visible = agent.command("test").arg("-e").arg(&exe).status().unwrap();
    assert!(!visible.success(), "the agent sees {}", exe.display());
    // Its state directory, where its work directory would be, it sees.
    let visible = agent
        .command("test")
        .arg("-d")
        .arg(testbed.state_dir())
        .status()
        .unwrap();
    assert!(
        visible.success(),
        "the agent cannot see the state directory"
    );
}

#[test]
fn teardown_leaves_nothing_behind_even_after_a_panic() {
    let before = root_links();
    let Some(testbed) = start(
        "teardown_leaves_nothing_behind_even_after_a_panic",
        three_hosts().behind_nat("c"),
    ) else {
        return;
    };
    let id = testbed.id().to_string();
    let ours = |id: &str| {
        mesos_testbed::namespaces()
            .into_iter()
            .filter(|n| n.starts_with(&format!("mrs-{id}-")))
            .count()
    };
    assert_eq!(ours(&id), 5, "a, b, c, c's router, the switch");
    assert_eq!(
        root_links(),
        before,
        "the testbed touched the root namespace's links"
    );
    let mut sleeper = testbed
        .host("a")
        .unwrap()
        .command("sleep")
        .arg("600")
        .spawn()
        .unwrap();
    testbed.teardown().unwrap();
    assert_eq!(ours(&id), 0);
    assert_eq!(root_links(), before);
    assert!(
        sleeper.wait().is_ok_and(|s| !s.success()),
        "a's process outlived the teardown"
    );
    assert!(
        !Path::new("/run/mesos-testbed").join(&id).exists(),
        "its owner record stayed"
    );

    // A test that panics drops its testbed while unwinding.
    let panicked = std::panic::catch_unwind(|| {
        let testbed = three_hosts().start().unwrap();
        let id = testbed.id().to_string();
        panic!("{id}");
    });
    let message = panicked.unwrap_err();
    let id = message.downcast_ref::<String>().unwrap();
    assert_eq!(ours(id), 0, "the panicking test's testbed stayed");
}

#[test]
fn a_sweep_removes_what_a_dead_owner_left() {
    // `testbed up` leaves a testbed owned by its state directory; deleting
    // the directory leaves it without owner, as a killed test would.
    // The same check the testbed's own start makes (root, ip, nft...): the
    // command line below would fail on what it lacks rather than skip.
    if let Err(e) = mesos_testbed::preflight::tools() {
        skip::skip("a_sweep_removes_what_a_dead_owner_left", e.message());
        return;
    }
    let state = std::env::temp_dir().join(format!("testbed-sweep-{}", std::process::id()));
    let cli = env!("CARGO_BIN_EXE_testbed");
    let up = Command::new(cli)
        .args(["--state"])
        .arg(&state)
        .args([
            "up",
            "--network-only",
            "--masters",
            "0",
            "--agents",
            "0",
            "--host",
            "a",
        ])
        .output()
        .unwrap();
    assert!(
        up.status.success(),
        "{}",
        String::from_utf8_lossy(&up.stderr)
    );
    let exec = Command::new(cli)
        .arg("--state")
        .arg(&state)
        .args(["exec", "a", "--", "sleep", "600"])
        .spawn()
        .unwrap();
    let id = std::fs::read_to_string(state.join("testbed.state")).unwrap();
    let id = id
        .lines()
        .next()
        .unwrap()
        .strip_prefix("id ")
        .unwrap()
        .to_string();
    // The sleep is in host a before anything is swept.
    let in_a = || {
        let pids = Command::new("ip")
            .args(["netns", "pids", &format!("mrs-{id}-a")])
            .output()
            .unwrap();
        !pids.stdout.is_empty()
    };
    for _ in 0..100 {
        if in_a() {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(in_a(), "`testbed exec` did not start its command in host a");
    let ours = || {
        mesos_testbed::namespaces()
            .into_iter()
            .filter(|n| n.starts_with(&format!("mrs-{id}-")))
            .collect::<Vec<_>>()
    };
    assert_eq!(ours().len(), 2);

    // Owned, it survives a sweep.
    mesos_testbed::sweep(false).unwrap();
    assert_eq!(
        ours().len(),
        2,
        "a sweep removed a testbed whose owner lives"
    );

    std::fs::remove_dir_all(&state).unwrap();
    let removed = mesos_testbed::sweep(false).unwrap();
    assert!(removed.contains(&format!("mrs-{id}-a")), "{removed:?}");
    assert!(ours().is_empty());
    let mut exec = exec;
    assert!(
        !exec.wait().unwrap().success(),
        "the process in the swept host lived on"
    );
}

/// The root namespace's links, as `ip -o link` lists them (statistics
/// left out).
fn root_links() -> Vec<String> {
    let output = Command::new("ip").args(["-o", "link"]).output().unwrap();
    let mut links: Vec<String> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|l| l.split_whitespace().take(2).collect::<Vec<_>>().join(" "))
        .collect();
    links.sort();
    links
}
