//! Leader election on libmesos and a real ZooKeeper: candidates take the
//! lead in turn, a leader cut off from ZooKeeper learns it is out, and a
//! candidate whose ZooKeeper never answers neither hangs nor crashes.
//! Skipped loudly without Mesos or ZooKeeper; `MESOS_TEST_REQUIRE=1`
//! turns a skip into a failure.

use crate::support;

use std::time::{Duration, Instant};

use mesos_native::election::{Election, Standing};
use mesos_native::Error;
use mesos_native::ZooKeeper;

const TIMEOUT: Duration = Duration::from_secs(30);

fn election(zookeeper: &support::zookeeper::ZooKeeper, znode: &str, session: Duration) -> Election {
    let mut location = ZooKeeper::new(format!("127.0.0.1:{}", zookeeper.port), znode);
    location.session_timeout = session;
    Election::zookeeper(&location).unwrap()
}

#[test]
fn the_second_candidate_stands_by_until_the_leader_withdraws() {
    const TEST: &str = "the_second_candidate_stands_by_until_the_leader_withdraws";
    let Some((_, install)) = support::require_mesos_and_zookeeper(TEST) else {
        return;
    };
    let zookeeper = install.start(&support::scratch_dir(TEST)).unwrap();
    let first_election = election(&zookeeper, "/app/leader", Duration::from_secs(10));
    let first = first_election.join("first").unwrap();
    first.lead(TIMEOUT).unwrap();

    // A second group at the same znode, as a second process would have.
    let second = election(&zookeeper, "/app/leader", Duration::from_secs(10))
        .join("second")
        .unwrap();
    let deadline = Instant::now() + TIMEOUT;
    while second.standing() != Standing::StandingBy || second.leader().is_none() {
        assert!(Instant::now() < deadline, "{second:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(second.leader().as_deref(), Some("first"));
    let error = second.lead(Duration::from_secs(1)).unwrap_err();
    assert!(
        matches!(&error, Error::NotLeading { reason, .. } if reason.contains("first leads")),
        "{error}"
    );

    assert!(
        matches!(
            first.wait_until_out(Duration::from_millis(500)),
            Err(Error::TimedOut { .. })
        ),
        "nothing ended the leader's membership"
    );
    assert_eq!(first.standing(), Standing::Leading);

    assert!(
        first.withdraw(TIMEOUT).unwrap(),
        "a membership was cancelled"
    );
    second.lead(TIMEOUT).unwrap();
    assert_eq!(second.leader().as_deref(), Some("second"));
}

#[test]
fn a_leader_cut_off_from_zookeeper_is_out_within_its_session_timeout() {
    const TEST: &str = "a_leader_cut_off_from_zookeeper_is_out_within_its_session_timeout";
    let Some((_, install)) = support::require_mesos_and_zookeeper(TEST) else {
        return;
    };
    let zookeeper = install.start(&support::scratch_dir(TEST)).unwrap();
    let leader = election(&zookeeper, "/cut/leader", Duration::from_secs(3))
        .join("cut off")
        .unwrap();
    leader.lead(TIMEOUT).unwrap();

    drop(zookeeper); // the server is killed
    let began = Instant::now();
    let reason = leader
        .wait_until_out(TIMEOUT)
        .expect("a leader without ZooKeeper is out once its session expires");
    eprintln!("out after {:?}: {reason}", began.elapsed());
    assert!(matches!(leader.standing(), Standing::Out { .. }));
    let error = leader.lead(Duration::from_secs(1)).unwrap_err();
    assert!(matches!(error, Error::NotLeading { .. }), "{error}");

    let dropping = Instant::now();
    drop(leader);
    assert!(
        dropping.elapsed() < Duration::from_secs(10),
        "drop took {:?}",
        dropping.elapsed()
    );
}

#[test]
fn a_candidate_whose_zookeeper_never_answers_waits_in_vain_and_drops_promptly() {
    const TEST: &str = "a_candidate_whose_zookeeper_never_answers_waits_in_vain_and_drops_promptly";
    if support::require_mesos(TEST).is_none() {
        return;
    }
    // Nothing listens on port 1.
    let election = Election::zookeeper(&ZooKeeper::new("127.0.0.1:1", "/nobody")).unwrap();
    let candidate = election.join("alone").unwrap();
    let error = candidate.lead(Duration::from_secs(2)).unwrap_err();
    assert!(
        matches!(&error, Error::NotLeading { reason, .. } if reason.contains("still joining")),
        "{error}"
    );
    assert_eq!(candidate.standing(), Standing::Joining);
    let dropping = Instant::now();
    drop(candidate);
    drop(election);
    assert!(
        dropping.elapsed() < Duration::from_secs(10),
        "drop took {:?}",
        dropping.elapsed()
    );
}
