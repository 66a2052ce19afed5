//! Parser for the agent `--resources` text format:
//! `cpus:1;mem:1024;ports:[31000-32000];disk(role):10;gpu_ids:{a,b}`.

use std::collections::BTreeMap;
use std::str::FromStr;

use crate::proto::Resource;

use super::error::ResourcesError;
use super::reservation::static_reservation;
use super::resource::{ranges, scalar, set};
use super::roles::{self, UNRESERVED_ROLE};
use super::{values, Resources};

impl Resources {
    /// Parses the agent `--resources` text format: `;`-separated
    /// `name[(role)]:value` items, where a value is a scalar (`1.5`), a list
    /// of inclusive ranges (`[31000-31999,32100-32200]`) or a set
    /// (`{a,b,c}`). A role other than `*` makes a `STATIC` reservation, as
    /// on an agent. Items with the same identity are merged.
    ///
    /// The JSON form that the agent also accepts is not supported. Bad input
    /// gives [`ResourcesError::Parse`], never a panic.
    ///
    /// ```
    /// use mesos_native::resources::Resources;
    ///
    /// let r = Resources::parse("cpus:1;mem:1024;ports:[31000-32000];disk(role):10")?;
    /// assert_eq!(r.cpus(), Some(1.0));
    /// assert_eq!(r.reserved(Some("role")).disk(), Some(10.0));
    ///
    /// assert!(Resources::parse("cpus").is_err());
    /// assert!(Resources::parse("ports:[10-1]").is_err());
    /// # Ok::<(), mesos_native::resources::ResourcesError>(())
    /// ```
    pub fn parse(text: &str) -> Result<Resources, ResourcesError> {
        Resources::parse_with_default_role(text, UNRESERVED_ROLE)
    }

    /// Like [`parse`](Self::parse), with items that name no role reserved
    /// (statically) to `default_role`; `*` leaves them unreserved.
    pub fn parse_with_default_role(
        text: &str,
        default_role: &str,
    ) -> Result<Resources, ResourcesError> {
        let mut result = Resources::new();
        let mut types = BTreeMap::new();

        for item in text.split(';').filter(|item| !item.trim().is_empty()) {
            let resource = parse_item(item, default_role)?;
            if let Some(previous) = types.insert(resource.name.clone(), resource.r#type) {
                if previous != resource.r#type {
                    return Err(parse_error(
                        item,
                        format!(
                            "resource '{}' is given with two different value types",
                            resource.name
                        ),
                    ));
                }
            }
            result.try_add(resource).map_err(|error| match error {
                ResourcesError::InvalidResource { reason, .. } => parse_error(item, reason),
                other => parse_error(item, other.to_string()),
            })?;
        }

        Ok(result)
    }
}

impl FromStr for Resources {
    type Err = ResourcesError;

    /// Same as [`Resources::parse`].
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Resources::parse(text)
    }
}

fn parse_error(input: &str, reason: impl Into<String>) -> ResourcesError {
    ResourcesError::Parse {
        input: input.trim().to_owned(),
        reason: reason.into(),
    }
}

/// Parses one `name[(role)]:value` item.
fn parse_item(item: &str, default_role: &str) -> Result<Resource, ResourcesError> {
    let fail = |reason: &str| Err(parse_error(item, reason));

    let mut parts = item.split(':');
    let (Some(key), Some(value), None) = (parts.next(), parts.next(), parts.next()) else {
        return fail("expected exactly one ':' between the name and the value");
    };

    let (name, role) = match key.find('(') {
        None => (key.trim(), default_role),
        Some(open) => {
            let Some(close) = key[open..].find(')').map(|offset| open + offset) else {
                return fail("mismatched parentheses around the role");
            };
            if !key[close + 1..].trim().is_empty() {
                return fail("unexpected text after the role's ')'");
            }
            (key[..open].trim(), key[open + 1..close].trim())
        }
    };
    if name.is_empty() {
        return fail("the resource name is empty");
    }
    if let Err(error) = roles::is_valid_role(role) {
        return Err(parse_error(item, error.to_string()));
    }

    let mut resource = parse_value(name, value).map_err(|reason| parse_error(item, reason))?;
    if role != UNRESERVED_ROLE {
        resource.reservations.push(static_reservation(role));
    }
    Ok(resource)
}

/// Parses a scalar, ranges or set value into a resource named `name`.
fn parse_value(name: &str, value: &str) -> Result<Resource, String> {
    let value: String = value.chars().filter(|c| !c.is_whitespace()).collect();

    if value.is_empty() {
        return Err("the value is empty".to_owned());
    }

    if let Some(rest) = value.strip_prefix('[') {
        let inner = rest
            .strip_suffix(']')
            .ok_or("a ranges value must end with ']'")?;
        let mut intervals = Vec::new();
        for interval in inner.split(',').filter(|s| !s.is_empty()) {
            let (begin, end) = interval
                .split_once('-')
                .ok_or_else(|| format!("range '{interval}' is not of the form 'begin-end'"))?;
            let number = |text: &str| {
                text.parse::<u64>().map_err(|_| {
                    format!("'{text}' in range '{interval}' is not a non-negative integer")
                })
            };
            intervals.push((number(begin)?, number(end)?));
        }
        if inner.contains(['[', ']', '{', '}']) {
            return Err("unexpected bracket inside a ranges value".to_owned());
        }
        // Overlapping ranges are merged here, as the agent does, before the
        // resource is validated; inverted ones stay and are rejected.
        let mut resource = ranges(name, intervals);
        if let Some(list) = resource.ranges.as_mut() {
            if list.range.iter().all(|r| r.begin <= r.end) {
                values::coalesce(list);
            }
        }
        return Ok(resource);
    }

    if let Some(rest) = value.strip_prefix('{') {
        let inner = rest
            .strip_suffix('}')
            .ok_or("a set value must end with '}'")?;
        if inner.contains(['[', ']', '{', '}']) {
            return Err("unexpected bracket inside a set value".to_owned());
        }
        return Ok(set(name, inner.split(',').filter(|s| !s.is_empty())));
    }

    let number: f64 = value.parse().map_err(|_| {
        format!(
            "value '{value}' is neither a number, a range list like \
             '[31000-32000]', nor a set like '{{a,b}}'"
        )
    })?;
    if !number.is_finite() {
        return Err(format!("value '{value}' is not a finite number"));
    }
    if number < 0.0 {
        return Err(format!("value '{value}' is negative"));
    }
    if number.is_subnormal() {
        return Err(format!("value '{value}' is too small"));
    }
    Ok(scalar(name, number))
}
