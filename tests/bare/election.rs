//! Leader election on any machine: the Rust side of the shim's group,
//! contender and detector functions through the test double, whose groups
//! live in memory and whose answers come from threads of their own, as
//! libprocess's do. Each test uses a znode of its own, so they run in
//! parallel.

use std::time::Duration;

use mesos_native::election::{Election, Standing};
use mesos_native::Error;
use mesos_native::ZooKeeper;

const TIMEOUT: Duration = Duration::from_secs(5);
const SERVERS: &str = "127.0.0.1:2181";

fn election(znode: &str) -> Election {
    Election::open(crate::support::double(), &ZooKeeper::new(SERVERS, znode)).unwrap()
}

#[test]
fn the_first_candidate_leads_and_the_second_stands_by_until_the_first_withdraws() {
    let election = election("/double/withdraw");
    let first = election.join("first").unwrap();
    first.lead(TIMEOUT).unwrap();
    assert_eq!(first.leader().as_deref(), Some("first"));

    // Another process's group at the same location meets the same members.
    let second = self::election("/double/withdraw").join("second").unwrap();
    let error = second.lead(Duration::from_millis(300)).unwrap_err();
    assert!(
        matches!(&error, Error::NotLeading { reason, .. } if reason.contains("first leads")),
        "{error}"
    );
    assert_eq!(second.standing(), Standing::StandingBy);
    assert_eq!(second.leader().as_deref(), Some("first"));

    assert!(
        first.withdraw(TIMEOUT).unwrap(),
        "a membership was cancelled"
    );
    second.lead(TIMEOUT).unwrap();
    assert_eq!(second.leader().as_deref(), Some("second"));
}

#[test]
fn a_dropped_leader_hands_over_too() {
    let election = election("/double/drop");
    let first = election.join("first").unwrap();
    first.lead(TIMEOUT).unwrap();
    let second = election.join("second").unwrap();
    drop(first);
    second.lead(TIMEOUT).unwrap();
}

#[test]
fn a_leader_whose_session_expires_is_out_and_the_next_one_leads() {
    let election = election("/double/expire");
    let first = election.join("first").unwrap();
    first.lead(TIMEOUT).unwrap();
    let second = election.join("second").unwrap();
    assert!(matches!(
        first.wait_until_out(Duration::from_millis(200)),
        Err(Error::TimedOut { .. })
    ));

    assert!(mesos_native_double::expire_membership(
        SERVERS,
        "/double/expire",
        "first"
    ));
    let reason = first.wait_until_out(TIMEOUT).expect("the leader is out");
    assert!(
        reason.contains("ended") || reason.contains("leads now"),
        "{reason}"
    );
    second.lead(TIMEOUT).unwrap();
    // Out is final: the old leader never leads again.
    let error = first.lead(TIMEOUT).unwrap_err();
    assert!(matches!(error, Error::NotLeading { .. }), "{error}");
}

#[test]
fn a_candidate_that_cannot_join_is_out_and_says_why() {
    let election = Election::open(
        crate::support::double(),
        &ZooKeeper::new("fail:2181", "/double/session expired"),
    )
    .unwrap();
    let candidate = election.join("lonely").unwrap();
    let error = candidate.lead(TIMEOUT).unwrap_err();
    assert!(
        error.to_string().contains("could not join") && error.to_string().contains("expired"),
        "{error}"
    );
}

#[test]
fn bad_names_and_locations_are_refused_with_the_reason() {
    let election = election("/double/names");
    for name in ["", "two\nlines"] {
        let error = election.join(name).unwrap_err();
        assert!(
            matches!(
                error,
                Error::InvalidArgument {
                    what: "candidate name",
                    ..
                }
            ),
            "{error}"
        );
    }
    let error = Election::open(
        crate::support::double(),
        &ZooKeeper::new(SERVERS, "/trailing/"),
    )
    .unwrap_err();
    assert!(error.to_string().contains("znode"), "{error}");
}

#[test]
fn many_candidates_take_the_lead_one_after_another_in_the_order_they_joined() {
    let election = election("/double/queue");
    let candidates: Vec<_> = (0..5)
        .map(|number| election.join(&format!("candidate-{number}")).unwrap())
        .collect();
    for (number, candidate) in candidates.into_iter().enumerate() {
        candidate.lead(TIMEOUT).unwrap();
        assert_eq!(candidate.leader(), Some(format!("candidate-{number}")));
        assert!(candidate.withdraw(TIMEOUT).unwrap());
    }
}
