//! What a testbed is made of, as the builder and the CLI's `--spec` file
//! say it: how many masters and agents, extra hosts, which hosts sit behind
//! NAT, which of their ports are forwarded, whether Mesos runs. A spec is
//! also what a running testbed's state directory records, so that another
//! process (`testbed cut`, `testbed down`) rebuilds the same plan from it.
//!
//! The text form, one directive a line, `#` starts a comment:
//!
//! ```text
//! masters 3              # master1..master3 (with zk, scheduler, files)
//! agents 4               # agent0..agent3
//! host probe             # an extra host running nothing
//! nat scheduler          # the scheduler behind a NAT router
//! forward scheduler 9090 # the router's port 9090 reaches the scheduler's
//! daemons off            # make the hosts, start no Mesos (default on)
//! resources cpus:1;mem:1024;disk:10000
//! master-flag --zk_session_timeout=4secs
//! agent-flag --executor_registration_timeout=5mins
//! hide /srv/checkout     # more paths agents must not see
//! ```

use std::path::PathBuf;

use crate::error::{Error, Result};

/// The agents' resources unless a spec says otherwise (as
/// `scripts/local-cluster.sh`).
pub const DEFAULT_RESOURCES: &str = "cpus:1;mem:1024;disk:10000";

/// Longest host name: the switch names its port after the host, and a
/// link name has at most 15 bytes.
pub const MAX_HOST_NAME: usize = 12;

/// Host names the testbed uses for itself.
const RESERVED: &[&str] = &["switch", "br0", "eth0", "lo", "inside"];

/// A testbed's composition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spec {
    /// Masters, `master1`...; with at least one, the hosts `zk`,
    /// `scheduler` and `files` are made too.
    pub masters: usize,
    /// Agents, `agent0`...
    pub agents: usize,
    /// More hosts, running nothing of their own.
    pub hosts: Vec<String>,
    /// Hosts behind a NAT router of their own.
    pub nat: Vec<String>,
    /// Ports of hosts behind NAT that their router forwards to them.
    pub forwards: Vec<(String, u16)>,
    /// Whether ZooKeeper, the masters, the agents and the file server run.
    pub daemons: bool,
    /// Each agent's `--resources`.
    pub resources: String,
    /// Extra flags of every master.
    pub master_flags: Vec<String>,
    /// Extra flags of every agent.
    pub agent_flags: Vec<String>,
    /// Paths agents must not see, besides the project's tree and the cargo
    /// target directory.
    pub hide: Vec<PathBuf>,
}

impl Default for Spec {
    /// One master, four agents, Mesos running.
    fn default() -> Self {
        Spec {
            masters: 1,
            agents: 4,
            hosts: Vec::new(),
            nat: Vec::new(),
            forwards: Vec::new(),
            daemons: true,
            resources: DEFAULT_RESOURCES.to_string(),
            master_flags: Vec::new(),
            agent_flags: Vec::new(),
            hide: Vec::new(),
        }
    }
}

impl Spec {
    /// Every host's name, in the order they are made.
    pub fn host_names(&self) -> Vec<String> {
        let mut names = Vec::new();
        if self.masters > 0 {
            names.push("zk".to_string());
        }
        names.extend((1..=self.masters).map(|i| format!("master{i}")));
        names.extend((0..self.agents).map(|i| format!("agent{i}")));
        if self.masters > 0 {
            names.push("scheduler".to_string());
            names.push("files".to_string());
        }
        names.extend(self.hosts.iter().cloned());
        names
    }

    /// Checks names, counts and references; the error says what is wrong.
    pub fn validate(&self) -> Result<()> {
        if self.masters > 9 {
            return Err(Error::Invalid(format!(
                "{} masters: at most 9 (addresses 10.231.0.11-19)",
                self.masters
            )));
        }
        if self.agents > 20 {
            return Err(Error::Invalid(format!(
                "{} agents: at most 20 (addresses 10.231.0.20-39)",
                self.agents
            )));
        }
        if self.hosts.len() > 99 {
            return Err(Error::Invalid("more than 99 extra hosts".into()));
        }
        if self.nat.len() > 50 {
            return Err(Error::Invalid("more than 50 hosts behind NAT".into()));
        }
        if self.daemons && self.masters == 0 && self.agents > 0 {
            return Err(Error::Invalid(
                "agents with no master: ask for a master, or `daemons off`".into(),
            ));
        }
        for name in &self.hosts {
            check_host_name(name)?;
        }
        let names = self.host_names();
        for (i, name) in names.iter().enumerate() {
            if names[..i].contains(name) {
                return Err(Error::Invalid(format!("host `{name}` is named twice")));
            }
        }
        let known = |name: &str, what: &str| {
            if names.iter().any(|n| n == name) {
                Ok(())
            } else {
                Err(Error::Invalid(format!(
                    "{what} names host `{name}`, which the spec does not make (hosts: {})",
                    names.join(", ")
                )))
            }
        };
        for (i, name) in self.nat.iter().enumerate() {
            known(name, "`nat`")?;
            if self.nat[..i].contains(name) {
                return Err(Error::Invalid(format!("`nat {name}` is given twice")));
            }
        }
        for (host, port) in &self.forwards {
            known(host, "`forward`")?;
            if !self.nat.contains(host) {
                return Err(Error::Invalid(format!(
                    "`forward {host} {port}`: {host} is not behind NAT (add `nat {host}`)"
                )));
            }
            if *port == 0 {
                return Err(Error::Invalid(format!("`forward {host} 0`: no port 0")));
            }
        }
        Ok(())
    }

    /// Reads the text form (see the module's docs).
    pub fn parse(text: &str) -> Result<Spec> {
        let mut spec = Spec::default();
        for (number, line) in text.lines().enumerate() {
            let line = line.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let bad =
                |why: &str| Error::Invalid(format!("spec line {}: `{line}`: {why}", number + 1));
            let (directive, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
            let rest = rest.trim();
            let words: Vec<&str> = rest.split_whitespace().collect();
            let count = || -> Result<usize> {
                match words.as_slice() {
                    [n] => n.parse().map_err(|_| bad("expected a number")),
                    _ => Err(bad("expected one number")),
                }
            };
            let one = || -> Result<String> {
                match words.as_slice() {
                    [word] => Ok(word.to_string()),
                    _ => Err(bad("expected one word")),
                }
            };
            match directive {
                "masters" => spec.masters = count()?,
                "agents" => spec.agents = count()?,
                "host" => spec.hosts.push(one()?),
                "nat" => spec.nat.push(one()?),
                "forward" => match words.as_slice() {
                    [host, port] => spec.forwards.push((
                        host.to_string(),
                        port.parse().map_err(|_| bad("expected a port number"))?,
                    )),
                    _ => return Err(bad("expected `forward HOST PORT`")),
                },
                "daemons" => {
                    spec.daemons = match one()?.as_str() {
                        "on" => true,
                        "off" => false,
                        _ => return Err(bad("expected `on` or `off`")),
                    }
                }
                "resources" => spec.resources = one()?,
                "master-flag" => spec.master_flags.push(one()?),
                "agent-flag" => spec.agent_flags.push(one()?),
                "hide" if rest.is_empty() => return Err(bad("expected a path")),
                "hide" => spec.hide.push(PathBuf::from(rest)),
                _ => {
                    return Err(bad(
                        "unknown directive (masters, agents, host, nat, forward, daemons, \
                         resources, master-flag, agent-flag, hide)",
                    ))
                }
            }
        }
        spec.validate()?;
        Ok(spec)
    }

    /// The text form, which [`parse`](Self::parse) reads back as the same
    /// spec.
    pub fn to_text(&self) -> String {
        let mut text = format!("masters {}\nagents {}\n", self.masters, self.agents);
        for host in &self.hosts {
            text += &format!("host {host}\n");
        }
        for host in &self.nat {
            text += &format!("nat {host}\n");
        }
        for (host, port) in &self.forwards {
            text += &format!("forward {host} {port}\n");
        }
        text += &format!(
            "daemons {}\nresources {}\n",
            if self.daemons { "on" } else { "off" },
            self.resources
        );
        for flag in &self.master_flags {
            text += &format!("master-flag {flag}\n");
        }
        for flag in &self.agent_flags {
            text += &format!("agent-flag {flag}\n");
        }
        for path in &self.hide {
            text += &format!("hide {}\n", path.display());
        }
        text
    }
}

/// A host name: a lowercase letter, then lowercase letters and digits, at
/// most [`MAX_HOST_NAME`] in all (it names links and namespaces).
pub fn check_host_name(name: &str) -> Result<()> {
    let mut chars = name.chars();
    let well_formed = chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && name.len() <= MAX_HOST_NAME;
    if !well_formed {
        return Err(Error::Invalid(format!(
            "host name `{name}`: a lowercase letter, then lowercase letters and digits, at most \
             {MAX_HOST_NAME} in all"
        )));
    }
    if RESERVED.contains(&name) {
        return Err(Error::Invalid(format!(
            "host name `{name}` is the testbed's own (reserved: {})",
            RESERVED.join(", ")
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_form_reads_back_as_the_same_spec() {
        let spec = Spec {
            masters: 3,
            agents: 2,
            hosts: vec!["probe".into()],
            nat: vec!["scheduler".into(), "agent1".into()],
            forwards: vec![("scheduler".into(), 9090)],
            daemons: false,
            resources: "cpus:2;mem:512".into(),
            master_flags: vec!["--zk_session_timeout=4secs".into()],
            agent_flags: vec!["--gc_delay=1mins".into()],
            hide: vec![PathBuf::from("/srv/a dir")],
        };
        assert_eq!(Spec::parse(&spec.to_text()), Ok(spec));
    }

    #[test]
    fn hosts_come_from_the_counts() {
        let spec = Spec::parse("masters 2\nagents 2\nhost extra # a comment\n").unwrap();
        assert_eq!(
            spec.host_names(),
            [
                "zk",
                "master1",
                "master2",
                "agent0",
                "agent1",
                "scheduler",
                "files",
                "extra"
            ]
        );
        let bare = Spec::parse("masters 0\nagents 0\ndaemons off\nhost a\nhost b").unwrap();
        assert_eq!(bare.host_names(), ["a", "b"]);
    }

    #[test]
    fn bad_specs_say_what_is_wrong() {
        let error = |text: &str| Spec::parse(text).unwrap_err().to_string();
        assert!(error("masters three").contains("line 1"));
        assert!(error("nat nobody").contains("`nobody`"));
        assert!(error("forward zk 2181").contains("not behind NAT"));
        assert!(error("host Agent").contains("lowercase"));
        assert!(error("host switch").contains("reserved"));
        assert!(error("host agent0").contains("named twice"));
        assert!(error("host averyveryverylongname").contains("at most"));
        assert!(error("masters 0").contains("agents with no master"));
        assert!(error("frobnicate 1").contains("unknown directive"));
    }
}
