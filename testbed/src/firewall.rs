//! The nft rules: cuts between hosts, and the NAT of hosts behind a
//! router. Each namespace gets tables of its own, which go away with it.
//!
//! A cut drops packets where they **arrive**: every host has a table
//! `inet mrs` whose input chain drops packets from the sources in its set
//! `cut_from`. Cutting `from -> to` adds `from`'s addresses to `to`'s set.
//! Dropping on arrival rather than on departure matters: nft dropping a
//! packet on its way out makes the sender's `send`/`connect` fail at once
//! with EPERM, which a real partition never does; dropped on arrival, the
//! packet is simply lost, as on a cut cable, and the sender times out.
//!
//! A router has a table `ip mrs-nat`: everything leaving through its link
//! to the bridge is masqueraded as the router's address; new connections
//! from the bridge are not forwarded to the host, except to the ports in
//! its set `forwarded`, which are DNATed to the host.

use std::net::Ipv4Addr;

use crate::command::run;
use crate::error::Result;
use crate::plan::{Router, HOST_LINK, ROUTER_INSIDE_LINK};
use crate::preflight::Tools;

/// The table every host gets.
const HOST_TABLE: &str = "table inet mrs {
    # Sources whose packets this host drops on arrival: one-way cuts
    # towards it.
    set cut_from {
        type ipv4_addr
    }
    chain input {
        type filter hook input priority filter; policy accept;
        ip saddr @cut_from drop
    }
}
";

/// Gives `netns` (a host) its empty cut table.
pub fn install_host_table(tools: &Tools, netns: &str) -> Result<()> {
    nft(tools, netns, HOST_TABLE)
}

/// Gives a router its NAT table, forwarding `ports` (TCP and UDP) to
/// `host` (its host's own address).
pub fn install_router_table(
    tools: &Tools,
    router: &Router,
    host: Ipv4Addr,
    ports: &[u16],
) -> Result<()> {
    let table = format!(
        "table ip mrs-nat {{
    # Ports of the router's bridge address that reach the host.
    set forwarded {{
        type inet_service
    }}
    chain prerouting {{
        type nat hook prerouting priority dstnat; policy accept;
        iifname \"{HOST_LINK}\" meta l4proto {{ tcp, udp }} th dport @forwarded dnat to {host}
    }}
    chain postrouting {{
        type nat hook postrouting priority srcnat; policy accept;
        oifname \"{HOST_LINK}\" masquerade
    }}
    # Out from the host: always; in from the bridge: answers, and the
    # forwarded ports.
    chain forward {{
        type filter hook forward priority filter; policy drop;
        ct state established,related accept
        iifname \"{ROUTER_INSIDE_LINK}\" oifname \"{HOST_LINK}\" accept
        ct status dnat accept
    }}
}}
"
    );
    nft(tools, &router.netns, &table)?;
    forward_ports(tools, router, ports)
}

/// Adds `ports` to what `router` forwards to its host.
pub fn forward_ports(tools: &Tools, router: &Router, ports: &[u16]) -> Result<()> {
    if ports.is_empty() {
        return Ok(());
    }
    nft(
        tools,
        &router.netns,
        &format!("add element ip mrs-nat forwarded {{ {} }}\n", list(ports)),
    )
}

/// Drops, in `netns` (the receiving host), every packet from `sources`.
pub fn cut_from(tools: &Tools, netns: &str, sources: &[Ipv4Addr]) -> Result<()> {
    nft(
        tools,
        netns,
        &format!("add element inet mrs cut_from {{ {} }}\n", list(sources)),
    )
}

/// Lets packets from `sources` into `netns` again. Whether or not they
/// were cut: the elements are added, then deleted, in one transaction
/// (deleting an absent element alone would fail).
pub fn heal_from(tools: &Tools, netns: &str, sources: &[Ipv4Addr]) -> Result<()> {
    let elements = list(sources);
    nft(
        tools,
        netns,
        &format!(
            "add element inet mrs cut_from {{ {elements} }}\n\
             delete element inet mrs cut_from {{ {elements} }}\n"
        ),
    )
}

/// The sources `netns` drops now.
pub fn cut_sources(tools: &Tools, netns: &str) -> Result<Vec<Ipv4Addr>> {
    let nft = tools.nft.to_string_lossy();
    let text = run(
        &tools.ip,
        [
            "netns", "exec", netns, &*nft, "list", "set", "inet", "mrs", "cut_from",
        ],
        None,
    )?;
    // `elements = { 10.231.0.20, 10.231.0.201 }`, possibly over lines.
    let Some(start) = text.find("elements = {") else {
        return Ok(Vec::new());
    };
    let rest = &text[start + "elements = {".len()..];
    let inside = rest.split('}').next().unwrap_or("");
    Ok(inside
        .split([',', ' ', '\n', '\t'])
        .filter_map(|word| word.trim().parse().ok())
        .collect())
}

/// Runs an nft script inside `netns`, as one transaction.
fn nft(tools: &Tools, netns: &str, script: &str) -> Result<()> {
    let nft = tools.nft.to_string_lossy();
    run(
        &tools.ip,
        ["netns", "exec", netns, &*nft, "-f", "-"],
        Some(script),
    )
    .map(drop)
}

fn list<T: ToString>(items: &[T]) -> String {
    items
        .iter()
        .map(T::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}
