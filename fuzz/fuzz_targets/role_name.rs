//! `roles::is_valid_role` against Mesos's own `roles::validate` (the model
//! in `mesos_fuzz::models`, transcribed from src/common/roles.cpp): the
//! same verdict on every string, an error message that names the role, and
//! the hierarchy helpers never panic on what is valid.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mesos_fuzz::models::mesos_role_is_valid;
use mesos_native::resources::roles;

fuzz_target!(|data: &[u8]| {
    let Some(role) = mesos_fuzz::text(data) else {
        return;
    };
    let verdict = roles::is_valid_role(role);
    assert_eq!(
        verdict.is_ok(),
        mesos_role_is_valid(role),
        "{role:?}: {verdict:?}"
    );
    if let Err(error) = verdict {
        assert_eq!(error.role(), role);
        assert!(!error.to_string().is_empty());
        return;
    }
    // A valid role's ancestors are valid roles, each a strict ancestor.
    for ancestor in roles::ancestors(role) {
        assert!(
            roles::is_strict_ancestor(ancestor, role),
            "{ancestor:?} of {role:?}"
        );
        assert!(
            roles::is_valid_role(ancestor).is_ok(),
            "{ancestor:?} of {role:?}"
        );
        assert!(roles::is_self_or_descendant(role, ancestor));
    }
    assert!(!roles::is_strict_ancestor(role, role));
});
