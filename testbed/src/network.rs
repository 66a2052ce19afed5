//! The testbed's network, made from its [`Plan`]: a switch (a namespace
//! holding only a bridge), one namespace per host joined to the bridge by
//! a veth pair, and for a host behind NAT a router namespace between the
//! two. No namespace has a route beyond 10.231.0.0/16 and none is linked
//! to the root namespace, so nothing a test sends can leave the testbed.

use std::time::Duration;

use crate::error::Result;
use crate::firewall;
use crate::namespaces::{self, ip_batch};
use crate::plan::{Plan, BRIDGE, HOST_LINK, ROUTER_INSIDE_LINK};
use crate::preflight::Tools;

/// Makes every namespace, link, address, route and nft table of `plan`;
/// `forwards` are the ports each router forwards from the start. On an
/// error, what was made stays for the caller's teardown to remove.
pub fn build(tools: &Tools, plan: &Plan, forwards: &[(String, u16)]) -> Result<()> {
    for netns in plan.namespaces() {
        namespaces::add(tools, netns)?;
        // Links made from now on carry no IPv6: no router solicitations or
        // multicast chatter on the bridge, only what the tests send.
        namespaces::sysctl(netns, "net.ipv6.conf.default.disable_ipv6", "1")?;
    }
    for host in &plan.hosts {
        if let Some(router) = &host.router {
            namespaces::sysctl(&router.netns, "net.ipv4.ip_forward", "1")?;
        }
    }

    // Every veth pair, each end created directly in its namespace.
    let mut pairs = Vec::new();
    for host in &plan.hosts {
        let (name, netns, switch) = (&host.name, &host.netns, &plan.switch);
        match &host.router {
            None => pairs.push(format!(
                "link add {HOST_LINK} netns {netns} type veth peer name {name} netns {switch}"
            )),
            Some(router) => {
                let router_ns = &router.netns;
                pairs.push(format!(
                    "link add {HOST_LINK} netns {router_ns} type veth peer name {name} netns {switch}"
                ));
                pairs.push(format!(
                    "link add {HOST_LINK} netns {netns} type veth peer name {ROUTER_INSIDE_LINK} \
                     netns {router_ns}"
                ));
            }
        }
    }
    ip_batch(tools, None, &pairs)?;

    let mut switch = vec![
        "link set dev lo up".to_string(),
        format!("link add {BRIDGE} type bridge"),
        format!("link set dev {BRIDGE} up"),
    ];
    for host in &plan.hosts {
        switch.push(format!("link set dev {} master {BRIDGE}", host.name));
        switch.push(format!("link set dev {} up", host.name));

        let mut own = vec![
            "link set dev lo up".to_string(),
            format!("addr add {}/24 dev {HOST_LINK}", host.address),
            format!("link set dev {HOST_LINK} up"),
        ];
        if let Some(router) = &host.router {
            // Its only way out: the router, which masquerades it.
            own.push(format!("route add default via {}", router.gateway));
            ip_batch(
                tools,
                Some(&router.netns),
                &[
                    "link set dev lo up".to_string(),
                    format!("addr add {}/24 dev {HOST_LINK}", router.public),
                    format!("link set dev {HOST_LINK} up"),
                    format!("addr add {}/24 dev {ROUTER_INSIDE_LINK}", router.gateway),
                    format!("link set dev {ROUTER_INSIDE_LINK} up"),
                ],
            )?;
            let ports: Vec<u16> = forwards
                .iter()
                .filter(|(name, _)| *name == host.name)
                .map(|(_, port)| *port)
                .collect();
            firewall::install_router_table(tools, router, host.address, &ports)?;
        }
        ip_batch(tools, Some(&host.netns), &own)?;
        firewall::install_host_table(tools, &host.netns)?;
    }
    ip_batch(tools, Some(&plan.switch), &switch)?;
    for netns in plan.namespaces() {
        namespaces::wait_until_up(tools, netns, None, LINK_UP_TIMEOUT)?;
    }
    Ok(())
}

/// How long links may take to come up.
const LINK_UP_TIMEOUT: Duration = Duration::from_secs(10);

/// Takes `port` (the switch's port of a host, named after it) down or up:
/// the host's link loses its carrier, and whatever it sends, or is sent to
/// it, is lost until the port is up again.
pub fn set_port(tools: &Tools, plan: &Plan, port: &str, up: bool) -> Result<()> {
    ip_batch(
        tools,
        Some(&plan.switch),
        &[format!(
            "link set dev {port} {}",
            if up { "up" } else { "down" }
        )],
    )?;
    if up {
        // Both ends: the switch's port, and the host's (or its router's)
        // link, which gets its carrier back.
        namespaces::wait_until_up(tools, &plan.switch, Some(&[port, BRIDGE]), LINK_UP_TIMEOUT)?;
        let host = plan.host(port)?;
        let far_end = host.router.as_ref().map_or(&host.netns, |r| &r.netns);
        namespaces::wait_until_up(tools, far_end, Some(&[HOST_LINK]), LINK_UP_TIMEOUT)?;
    }
    Ok(())
}
