//! Role names and the role hierarchy.
//!
//! Mesos roles form a tree whose levels are separated by `/`: the role
//! `tenant1/private` is a child of `tenant1`, and resources reserved to
//! `tenant1` can be offered to frameworks in `tenant1/private` or in
//! `tenant1/private/test-framework`. The special role `*` stands for
//! "unreserved" and is not part of the tree.
//!
//! ```
//! use mesos_native::resources::roles;
//!
//! assert!(roles::is_valid_role("tenant1/private").is_ok());
//! assert!(roles::is_valid_role("tenant1//private").is_err());
//! assert_eq!(roles::parent("tenant1/private"), Some("tenant1"));
//! assert!(roles::is_strict_ancestor("tenant1", "tenant1/private"));
//! assert!(!roles::is_strict_ancestor("tenant1", "tenant10"));
//! ```

use std::error::Error;
use std::fmt;

/// The role that stands for unreserved resources.
pub const UNRESERVED_ROLE: &str = "*";

/// Characters a role may not contain: tab, line feed, vertical tab, form
/// feed, carriage return, space and DEL.
const INVALID_CHARACTERS: &[char] = &['\t', '\n', '\x0b', '\x0c', '\r', ' ', '\x7f'];

/// Why a role name was rejected by [`is_valid_role`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RoleErrorKind {
    /// The role is the empty string.
    Empty,
    /// The role starts with `/`.
    LeadingSlash,
    /// The role ends with `/`.
    TrailingSlash,
    /// The role contains `//`, i.e. an empty path component.
    EmptyComponent,
    /// A component is `.`.
    DotComponent,
    /// A component is `..`.
    DotDotComponent,
    /// A component is `*` (only the whole role may be `*`).
    StarComponent,
    /// The named component starts with `-`.
    LeadingDash(String),
    /// The named component contains whitespace or DEL.
    InvalidCharacter(String),
}

/// A role name that Mesos would reject.
///
/// Returned by [`is_valid_role`]; its message names the role and the rule
/// it breaks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoleError {
    role: String,
    kind: RoleErrorKind,
}

impl RoleError {
    /// The rejected role name.
    pub fn role(&self) -> &str {
        &self.role
    }

    /// Which rule the role breaks.
    pub fn kind(&self) -> &RoleErrorKind {
        &self.kind
    }

    /// A sentence describing the broken rule, without the role name.
    pub fn reason(&self) -> String {
        match &self.kind {
            RoleErrorKind::Empty => "a role cannot be the empty string".to_owned(),
            RoleErrorKind::LeadingSlash => "a role cannot start with '/'".to_owned(),
            RoleErrorKind::TrailingSlash => "a role cannot end with '/'".to_owned(),
            RoleErrorKind::EmptyComponent => {
                "a role cannot contain '//' (empty path component)".to_owned()
            }
            RoleErrorKind::DotComponent => "a role cannot have '.' as a path component".to_owned(),
            RoleErrorKind::DotDotComponent => {
                "a role cannot have '..' as a path component".to_owned()
            }
            RoleErrorKind::StarComponent => {
                "'*' is only valid as the whole role, not as a path component".to_owned()
            }
            RoleErrorKind::LeadingDash(component) => {
                format!("path component '{component}' starts with '-'")
            }
            RoleErrorKind::InvalidCharacter(component) => {
                format!("path component '{component}' contains whitespace or DEL")
            }
        }
    }
}

impl fmt::Display for RoleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid role '{}': {}; use '/'-separated names such as 'tenant1/private'",
            self.role.escape_debug(),
            self.reason()
        )
    }
}

impl Error for RoleError {}

/// Checks a role name against Mesos's rules.
///
/// A valid role is `*`, or one or more `/`-separated components where no
/// component is empty, `.`, `..` or `*`, starts with `-`, or contains
/// whitespace or DEL; the role neither starts nor ends with `/`.
///
/// ```
/// use mesos_native::resources::roles::is_valid_role;
///
/// assert!(is_valid_role("*").is_ok());
/// assert!(is_valid_role("a/b-c/d").is_ok());
/// for bad in ["", ".", "..", "-a", "a/-b", "a b", "/a", "a/", "a//b", "a/*"] {
///     assert!(is_valid_role(bad).is_err(), "{bad:?} should be rejected");
/// }
/// ```
pub fn is_valid_role(role: &str) -> Result<(), RoleError> {
    let fail = |kind| {
        Err(RoleError {
            role: role.to_owned(),
            kind,
        })
    };

    if role == UNRESERVED_ROLE {
        return Ok(());
    }
    if role.is_empty() {
        return fail(RoleErrorKind::Empty);
    }
    if role.starts_with('/') {
        return fail(RoleErrorKind::LeadingSlash);
    }
    if role.ends_with('/') {
        return fail(RoleErrorKind::TrailingSlash);
    }
    if role.contains("//") {
        return fail(RoleErrorKind::EmptyComponent);
    }

    for component in role.split('/') {
        match component {
            "." => return fail(RoleErrorKind::DotComponent),
            ".." => return fail(RoleErrorKind::DotDotComponent),
            "*" => return fail(RoleErrorKind::StarComponent),
            _ => {}
        }
        if component.starts_with('-') {
            return fail(RoleErrorKind::LeadingDash(component.to_owned()));
        }
        if component.contains(INVALID_CHARACTERS) {
            return fail(RoleErrorKind::InvalidCharacter(component.to_owned()));
        }
    }

    Ok(())
}

/// The parent of a role: `parent("a/b/c") == Some("a/b")`; a top-level role
/// has no parent.
///
/// ```
/// use mesos_native::resources::roles::parent;
///
/// assert_eq!(parent("a/b/c"), Some("a/b"));
/// assert_eq!(parent("a"), None);
/// ```
pub fn parent(role: &str) -> Option<&str> {
    role.rfind('/').map(|index| &role[..index])
}

/// All ancestors of a role, nearest first: `a/b/c` gives `a/b`, then `a`.
///
/// ```
/// use mesos_native::resources::roles::ancestors;
///
/// assert_eq!(ancestors("a/b/c").collect::<Vec<_>>(), ["a/b", "a"]);
/// assert_eq!(ancestors("a").count(), 0);
/// ```
pub fn ancestors(role: &str) -> impl Iterator<Item = &str> {
    std::iter::successors(parent(role), |current| parent(current))
}

/// Whether `ancestor` is a strict ancestor of `descendant` in the role tree,
/// e.g. `a` of `a/b` and of `a/b/c`, but not of `a` itself nor of `ab`.
///
/// ```
/// use mesos_native::resources::roles::is_strict_ancestor;
///
/// assert!(is_strict_ancestor("a", "a/b"));
/// assert!(is_strict_ancestor("a", "a/b/c"));
/// assert!(!is_strict_ancestor("a", "a"));
/// assert!(!is_strict_ancestor("a", "ab/c"));
/// assert!(!is_strict_ancestor("a/b", "a"));
/// ```
pub fn is_strict_ancestor(ancestor: &str, descendant: &str) -> bool {
    descendant.len() > ancestor.len()
        && descendant.starts_with(ancestor)
        && descendant.as_bytes()[ancestor.len()] == b'/'
}

/// Whether `role` is `ancestor` itself or one of its descendants.
///
/// ```
/// use mesos_native::resources::roles::is_self_or_descendant;
///
/// assert!(is_self_or_descendant("a/b", "a"));
/// assert!(is_self_or_descendant("a", "a"));
/// assert!(!is_self_or_descendant("a", "a/b"));
/// ```
pub fn is_self_or_descendant(role: &str, ancestor: &str) -> bool {
    role == ancestor || is_strict_ancestor(ancestor, role)
}
