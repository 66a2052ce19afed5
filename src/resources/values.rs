//! Arithmetic on `Value.Scalar`, `Value.Ranges` and `Value.Set`, following
//! the rules Mesos applies to resource values.
//!
//! Scalars are handled in fixed point with three decimal digits: a value is
//! multiplied by 1000 and rounded to the nearest integer before any
//! comparison or arithmetic, so `0.1 + 0.2 == 0.3` holds and `0.0004` is
//! zero. That is exact below 2^51 thousandths, about 2.25e12 (a trillion
//! megabytes of disk fits): above it a value goes back to the double
//! `Value.Scalar` holds a thousandth or so off, and `a + b - b` may miss
//! `a` by that much, in Mesos (`llround(value * 1000)`, the same
//! arithmetic) as here. The `resources_text` and `resources_arithmetic`
//! fuzz targets found it; such values stay accepted, as Mesos accepts
//! them. Ranges are kept coalesced (sorted, with overlapping and adjacent
//! intervals merged). Sets are compared as sets, regardless of item order.

use std::collections::HashSet;

use crate::proto::value::{Range, Ranges, Scalar, Set};

/// Number of fixed-point units in `1.0`.
const FIXED_SCALE: f64 = 1000.0;

/// Converts a floating point scalar to Mesos's fixed-point representation
/// (thousandths, rounded half away from zero).
pub(crate) fn to_fixed(value: f64) -> i64 {
    // `as` saturates for out-of-range values and maps NaN to 0, so this
    // never panics on hostile input.
    (value * FIXED_SCALE).round() as i64
}

/// Converts a fixed-point value back to floating point.
///
/// A single division of two exactly represented numbers is correctly
/// rounded, so the result is the `f64` closest to the decimal value
/// (`1235` gives the same `f64` as the literal `1.235`). Mesos compares
/// scalars in fixed point, so it sees the same value either way.
pub(crate) fn from_fixed(fixed: i64) -> f64 {
    fixed as f64 / FIXED_SCALE
}

/// Rounds a scalar value to Mesos's three decimal digits.
pub(crate) fn round_scalar(value: f64) -> f64 {
    from_fixed(to_fixed(value))
}

/// `left + right` in fixed point.
pub(crate) fn scalar_add(left: &Scalar, right: &Scalar) -> Scalar {
    Scalar {
        value: from_fixed(to_fixed(left.value).saturating_add(to_fixed(right.value))),
    }
}

/// `left - right` in fixed point (may be negative).
pub(crate) fn scalar_sub(left: &Scalar, right: &Scalar) -> Scalar {
    Scalar {
        value: from_fixed(to_fixed(left.value).saturating_sub(to_fixed(right.value))),
    }
}

/// Sorts and merges overlapping or adjacent intervals, in place.
pub(crate) fn coalesce(ranges: &mut Ranges) {
    let mut list: Vec<(u64, u64)> = ranges.range.iter().map(|r| (r.begin, r.end)).collect();
    list.sort_unstable();

    let mut merged: Vec<Range> = Vec::with_capacity(list.len());
    for (begin, end) in list {
        match merged.last_mut() {
            // `saturating_add` keeps `u64::MAX` from overflowing: an interval
            // ending there swallows everything after it anyway.
            Some(last) if begin <= last.end.saturating_add(1) => {
                last.end = last.end.max(end);
            }
            _ => merged.push(Range { begin, end }),
        }
    }
    ranges.range = merged;
}

/// Returns a coalesced copy of `ranges`.
pub(crate) fn coalesced(ranges: &Ranges) -> Ranges {
    let mut copy = ranges.clone();
    coalesce(&mut copy);
    copy
}

/// Union of two range lists, coalesced.
pub(crate) fn ranges_add(left: &Ranges, right: &Ranges) -> Ranges {
    let mut result = Ranges {
        range: left
            .range
            .iter()
            .chain(right.range.iter())
            .copied()
            .collect(),
    };
    coalesce(&mut result);
    result
}

/// Set difference `left \ right` of two range lists, coalesced.
///
/// Well defined even when `right` is not inside `left`: only the common
/// part is removed.
pub(crate) fn ranges_sub(left: &Ranges, right: &Ranges) -> Ranges {
    let left = coalesced(left);
    let right = coalesced(right);

    let mut result = Vec::with_capacity(left.range.len());
    let mut cuts = right.range.iter().peekable();

    for interval in &left.range {
        let mut begin = interval.begin;
        let end = interval.end;
        let mut exhausted = false;

        // Skip the cuts that end before this interval starts.
        while let Some(cut) = cuts.peek() {
            if cut.end < begin {
                cuts.next();
            } else {
                break;
            }
        }

        // Remove every cut overlapping [begin, end]. A cut that reaches past
        // `end` may overlap the next interval too, so it is not consumed.
        let mut iter = cuts.clone();
        while let Some(cut) = iter.peek() {
            if cut.begin > end {
                break;
            }
            if cut.begin > begin {
                result.push(Range {
                    begin,
                    end: cut.begin - 1,
                });
            }
            if cut.end >= end {
                exhausted = true;
                break;
            }
            begin = cut.end + 1;
            iter.next();
        }

        if !exhausted {
            result.push(Range { begin, end });
        }
    }

    Ranges { range: result }
}

/// Whether every value in `right` is also in `left`.
///
/// One pass over both coalesced lists: with hundreds of thousands of
/// ranges (a hostile offer or agent text) a search per range would take
/// seconds.
pub(crate) fn ranges_contains(left: &Ranges, right: &Ranges) -> bool {
    let left = coalesced(left);
    let right = coalesced(right);
    let mut hay = left.range.iter().peekable();
    right.range.iter().all(|needle| {
        // Coalesced ranges are sorted and apart: the one that can hold
        // `needle` is the first that does not end before it.
        while hay.next_if(|hay| hay.end < needle.begin).is_some() {}
        hay.peek()
            .is_some_and(|hay| hay.begin <= needle.begin && needle.end <= hay.end)
    })
}

/// Whether two range lists cover the same values.
pub(crate) fn ranges_eq(left: &Ranges, right: &Ranges) -> bool {
    coalesced(left) == coalesced(right)
}

// The set operations look items up in a hash set: a linear search per
// item made them quadratic, seconds for the tens of thousands of items a
// hostile text or offer can carry.

/// Union of two sets, keeping `left`'s order and appending new items.
pub(crate) fn set_add(left: &Set, right: &Set) -> Set {
    let mut result = left.clone();
    let mut seen: HashSet<&str> = left.item.iter().map(String::as_str).collect();
    for item in &right.item {
        if seen.insert(item) {
            result.item.push(item.clone());
        }
    }
    result
}

/// Set difference `left \ right`.
pub(crate) fn set_sub(left: &Set, right: &Set) -> Set {
    let cut: HashSet<&str> = right.item.iter().map(String::as_str).collect();
    Set {
        item: left
            .item
            .iter()
            .filter(|item| !cut.contains(item.as_str()))
            .cloned()
            .collect(),
    }
}

/// Whether every item of `right` is in `left`.
pub(crate) fn set_contains(left: &Set, right: &Set) -> bool {
    let have: HashSet<&str> = left.item.iter().map(String::as_str).collect();
    right.item.iter().all(|item| have.contains(item.as_str()))
}

/// Whether two sets hold the same items (order ignored).
pub(crate) fn set_eq(left: &Set, right: &Set) -> bool {
    left.item.len() == right.item.len() && set_contains(left, right) && set_contains(right, left)
}

/// The first item of `set` that appears twice, if any.
pub(crate) fn set_duplicate(set: &Set) -> Option<&str> {
    let mut seen = HashSet::new();
    set.item
        .iter()
        .map(String::as_str)
        .find(|item| !seen.insert(*item))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(list: &[(u64, u64)]) -> Ranges {
        Ranges {
            range: list
                .iter()
                .map(|&(begin, end)| Range { begin, end })
                .collect(),
        }
    }

    #[test]
    fn fixed_point_round_trip() {
        assert_eq!(to_fixed(0.1 + 0.2), 300);
        assert_eq!(round_scalar(0.0004), 0.0);
        assert_eq!(round_scalar(0.0005), 0.001);
        assert_eq!(round_scalar(1.23456), 1.235);
        assert_eq!(round_scalar(0.1 + 0.2), 0.3);
        assert_eq!(from_fixed(1235), 1.235);
        assert_eq!(from_fixed(-1235), -1.235);
        assert_eq!(from_fixed(1), 0.001);
        assert_eq!(from_fixed(123_456_789), 123_456.789);
        assert_eq!(round_scalar(-1.5), -1.5);
        assert_eq!(to_fixed(f64::NAN), 0);
    }

    #[test]
    fn coalesce_merges_adjacent_and_overlapping() {
        let mut x = r(&[(11, 20), (1, 10), (30, 40), (35, 50), (u64::MAX, u64::MAX)]);
        coalesce(&mut x);
        assert_eq!(x, r(&[(1, 20), (30, 50), (u64::MAX, u64::MAX)]));
    }

    #[test]
    fn ranges_contain_what_one_range_holds() {
        let offer = r(&[(1, 10), (20, 30), (40, 40)]);
        assert!(ranges_contains(
            &offer,
            &r(&[(1, 3), (5, 10), (25, 30), (40, 40)])
        ));
        assert!(ranges_contains(&offer, &r(&[])));
        assert!(!ranges_contains(&offer, &r(&[(9, 11)])));
        assert!(!ranges_contains(&offer, &r(&[(41, 41)])));
        assert!(!ranges_contains(&offer, &r(&[(0, 0)])));
        assert!(!ranges_contains(&r(&[]), &r(&[(1, 1)])));
        assert!(ranges_contains(
            &r(&[(0, u64::MAX)]),
            &r(&[(5, 6), (u64::MAX, u64::MAX)])
        ));
    }

    #[test]
    fn subtract_ranges() {
        assert_eq!(
            ranges_sub(&r(&[(1, 20)]), &r(&[(5, 6)])),
            r(&[(1, 4), (7, 20)])
        );
        assert_eq!(ranges_sub(&r(&[(1, 20)]), &r(&[(0, 30)])), r(&[]));
        assert_eq!(
            ranges_sub(&r(&[(1, 10), (20, 30)]), &r(&[(5, 25)])),
            r(&[(1, 4), (26, 30)])
        );
        assert_eq!(
            ranges_sub(&r(&[(0, u64::MAX)]), &r(&[(0, 0), (u64::MAX, u64::MAX)])),
            r(&[(1, u64::MAX - 1)])
        );
        assert_eq!(ranges_sub(&r(&[(1, 5)]), &r(&[(7, 9)])), r(&[(1, 5)]));
    }
}
