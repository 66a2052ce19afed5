//! `bench resources N SECONDS`: a set of N items and a range list of N
//! ranges, each parsed from text, added to itself, compared and
//! subtracted, in a loop for SECONDS. Rust only (no C++ twin): it watches
//! that hostile sizes stay linear (parse and compare once searched each
//! item in a list, and a 40 000-item set took seconds); run it at two
//! sizes and compare the rates.

use std::time::Instant;

use mesos_native::Resources;

/// One round: parse, add, compare, subtract, on a set and a range list.
fn round(set_text: &str, ranges_text: &str) {
    for text in [set_text, ranges_text] {
        let parsed: Resources = match text.parse() {
            Ok(parsed) => parsed,
            Err(error) => super::fail(format!("the generated resources do not parse: {error}")),
        };
        let doubled = &parsed + &parsed;
        if !doubled.contains(&parsed) || &doubled - &parsed != parsed {
            super::fail("resource arithmetic gave a wrong answer");
        }
    }
}

pub(crate) fn resources(items: u64, seconds: f64) {
    let set = (0..items).map(|i| format!("i{i}")).collect::<Vec<_>>();
    let set_text = format!("s:{{{}}}", set.join(","));
    let ranges = (0..items)
        .map(|i| format!("{}-{}", 2 * i, 2 * i))
        .collect::<Vec<_>>();
    let ranges_text = format!("ports:[{}]", ranges.join(","));
    round(&set_text, &ranges_text);
    let start = Instant::now();
    let mut count = 0;
    while start.elapsed().as_secs_f64() < seconds {
        round(&set_text, &ranges_text);
        count += 1;
    }
    super::report(
        &format!("resources-{items}"),
        count,
        start.elapsed().as_secs_f64(),
    );
}
