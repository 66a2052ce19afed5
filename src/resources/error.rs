//! The error type of resource arithmetic, parsing and reservations.

use std::error::Error;
use std::fmt;

use super::roles::RoleError;
use super::Resources;

/// What went wrong while building, parsing or reserving resources.
///
/// Every message says what is wrong and, where there is one, what to do
/// about it.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum ResourcesError {
    /// A role name breaks Mesos's naming rules (see
    /// [`roles::is_valid_role`](super::roles::is_valid_role)), or `*` was
    /// given where a reservation role is needed.
    InvalidRole {
        /// The rejected role.
        role: String,
        /// Which rule it breaks.
        reason: String,
    },
    /// A refinement was asked for a role that is not a strict descendant of
    /// the role the resources are currently reserved to.
    NotADescendant {
        /// The role of the current (top) reservation.
        current: String,
        /// The role the refinement asked for.
        requested: String,
    },
    /// The resources text could not be parsed.
    Parse {
        /// The offending part of the text.
        input: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A `Resource` message is not a valid Mesos resource.
    InvalidResource {
        /// The resource's name.
        name: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A reservation was to be removed from a resource that has none.
    NotReserved {
        /// The resource, in Mesos's text form.
        resource: String,
    },
    /// A refined reservation was to be removed from a resource whose
    /// reservation stack has a single level.
    NotRefined {
        /// The resource, in Mesos's text form.
        resource: String,
    },
    /// The resources asked for are not all available.
    Insufficient {
        /// What was asked for.
        requested: Resources,
        /// What is available.
        available: Resources,
    },
}

impl fmt::Display for ResourcesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ResourcesError::InvalidRole { role, reason } => write!(
                f,
                "invalid role '{}': {reason}; roles are '/'-separated names \
                 such as 'tenant1/private', and '*' cannot be reserved",
                role.escape_debug()
            ),
            ResourcesError::NotADescendant { current, requested } if current == requested => {
                write!(
                    f,
                    "cannot refine a reservation for role '{current}' to the same role; \
                     a refinement must name a strict descendant such as '{current}/child'"
                )
            }
            ResourcesError::NotADescendant { current, requested } => write!(
                f,
                "cannot refine a reservation for role '{current}' to role '{requested}': \
                 '{requested}' is not a descendant of '{current}'; a refinement must \
                 name a strict descendant such as '{current}/child'"
            ),
            ResourcesError::Parse { input, reason } => write!(
                f,
                "cannot parse resources '{}': {reason}; expected \
                 'name[(role)]:value' items separated by ';', e.g. \
                 'cpus:1;mem:1024;ports:[31000-32000];disk(role):10'",
                input.escape_debug()
            ),
            ResourcesError::InvalidResource { name, reason } => {
                write!(f, "invalid resource '{}': {reason}", name.escape_debug())
            }
            ResourcesError::NotReserved { resource } => write!(
                f,
                "resource {resource} is not reserved, so there is no reservation to \
                 remove; pass only reserved resources (see Resources::reserved)"
            ),
            ResourcesError::NotRefined { resource } => write!(
                f,
                "resource {resource} has no refined reservation (its reservation stack \
                 has a single level); use pop_reservation to unreserve it completely"
            ),
            ResourcesError::Insufficient {
                requested,
                available,
            } => write!(
                f,
                "insufficient resources: {requested} was requested but only \
                 {available} is available (missing {}); ask for less or wait for \
                 a larger offer",
                requested.clone() - available
            ),
        }
    }
}

impl Error for ResourcesError {}

impl From<RoleError> for ResourcesError {
    fn from(error: RoleError) -> Self {
        ResourcesError::InvalidRole {
            role: error.role().to_owned(),
            reason: error.reason(),
        }
    }
}
