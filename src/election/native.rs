//! libmesos's group, contender and detector, through the shim: the C++
//! objects, the calls that start their operations, and their deletion in
//! the order libmesos needs (contenders and detectors before their group).

use std::sync::Arc;

use mesos_native_sys::{mesos_shim_contender, mesos_shim_detector, mesos_shim_group, ShimApi};

use crate::boundary::{answers as decode, buf, creation_error, Completion, Described, Refusal};
use crate::error::Result;
use crate::zookeeper::ZooKeeper;

/// What keeps an election's operation unanswered.
const HINT: &str = "is ZooKeeper running and reachable at those servers? libmesos keeps retrying \
     the connection, so the operation may still complete";

/// A `zookeeper::Group`; deleted when the last contender, detector and
/// [`Election`](super::Election) holding it are gone.
pub(super) struct NativeGroup {
    api: &'static ShimApi,
    raw: *mut mesos_shim_group,
    /// e.g. `ZooKeeper 127.0.0.1:2181/app/leader`, for errors.
    location: String,
}

// SAFETY: the shim's group functions may be called from any thread (each
// dispatches to the group's libprocess process), and `raw` is only freed
// in `drop`, when no other reference to `self` remains.
unsafe impl Send for NativeGroup {}
// SAFETY: as above; no method mutates `self`.
unsafe impl Sync for NativeGroup {}

impl NativeGroup {
    pub(super) fn zookeeper(api: &'static ShimApi, zookeeper: &ZooKeeper) -> Result<Self> {
        zookeeper.check()?;
        let raw = zookeeper.lend(|zk| {
            // SAFETY: `lend` keeps every buffer (and the digest, or NULL)
            // alive until this returns, which is all the shim borrows them for.
            unsafe { (api.mesos_shim_group_new)(zk.servers, zk.timeout_ns, zk.znode, zk.digest) }
        });
        if raw.is_null() {
            return Err(creation_error(api));
        }
        Ok(Self {
            api,
            raw,
            location: zookeeper.to_string(),
        })
    }

    pub(super) fn location(&self) -> &str {
        &self.location
    }

    fn described(&self, what: &str) -> Described {
        Described {
            what: format!("{what} (election at {})", self.location),
            hint: HINT,
        }
    }
}

impl Drop for NativeGroup {
    fn drop(&mut self) {
        // SAFETY: `raw` came from `mesos_shim_group_new` and is freed once,
        // here. Every contender and detector holds an `Arc` of this group
        // and frees its own handle before dropping it, so none is left.
        unsafe { (self.api.mesos_shim_group_free)(self.raw) };
    }
}

/// A `zookeeper::LeaderContender`: one membership of the group.
pub(super) struct NativeContender {
    raw: *mut mesos_shim_contender,
    /// Declared after `raw`'s user: dropped after `Drop::drop` freed it.
    group: Arc<NativeGroup>,
}

// SAFETY: as for `NativeGroup`: the shim's contender functions dispatch to
// its process from any thread, and `raw` is freed only in `drop`.
unsafe impl Send for NativeContender {}
// SAFETY: as above; no method mutates `self`.
unsafe impl Sync for NativeContender {}

impl NativeContender {
    pub(super) fn new(group: &Arc<NativeGroup>, data: &[u8]) -> Result<Self> {
        // SAFETY: `group.raw` is live (the Arc), `data` outlives the call,
        // and NULL asks for libmesos's default label.
        let raw =
            unsafe { (group.api.mesos_shim_contender_new)(group.raw, buf(data), std::ptr::null()) };
        if raw.is_null() {
            return Err(creation_error(group.api));
        }
        Ok(Self {
            raw,
            group: Arc::clone(group),
        })
    }

    /// Answered once this contender is a member of the group.
    pub(super) fn contend(&self) -> Completion<()> {
        let api = self.group.api;
        let described = self.group.described("joining the group");
        Completion::start(api, described, Box::new(no_values), |done, context| {
            // SAFETY: `raw` is live while `self` is; `done` and `context`
            // come from `Completion::start`.
            unsafe { (api.mesos_shim_contender_contend)(self.raw, done, context) }
        })
    }

    /// Answered when the membership ends: withdrawn, or lost with the
    /// ZooKeeper session. Only after [`contend`](Self::contend).
    pub(super) fn watch(&self) -> Completion<()> {
        let api = self.group.api;
        let described = self.group.described("watch of the membership");
        Completion::start(api, described, Box::new(no_values), |done, context| {
            // SAFETY: as in `contend`.
            unsafe { (api.mesos_shim_contender_watch)(self.raw, done, context) }
        })
    }

    /// Whether a membership was cancelled.
    pub(super) fn withdraw(&self) -> Completion<bool> {
        let api = self.group.api;
        let described = self.group.described("withdrawal from the group");
        Completion::start(api, described, Box::new(decode::flag), |done, context| {
            // SAFETY: as in `contend`.
            unsafe { (api.mesos_shim_contender_withdraw)(self.raw, done, context) }
        })
    }
}

impl Drop for NativeContender {
    fn drop(&mut self) {
        // SAFETY: `raw` came from `mesos_shim_contender_new` and is freed
        // once, here; the group it points into is still alive (`group` is
        // dropped after this body). Pending operations are answered
        // DISCARDED into their own reference-counted slots.
        unsafe { (self.group.api.mesos_shim_contender_free)(self.raw) };
    }
}

/// A `zookeeper::LeaderDetector`: who leads the group.
pub(super) struct NativeDetector {
    raw: *mut mesos_shim_detector,
    /// Dropped after `Drop::drop` freed `raw`.
    group: Arc<NativeGroup>,
}

// SAFETY: as for `NativeContender`.
unsafe impl Send for NativeDetector {}
// SAFETY: as above. (The shim allows one detect at a time per detector;
// its one caller, the candidate's detection thread, keeps to that.)
unsafe impl Sync for NativeDetector {}

impl NativeDetector {
    pub(super) fn new(group: &Arc<NativeGroup>) -> Result<Self> {
        // SAFETY: `group.raw` is live (the Arc).
        let raw = unsafe { (group.api.mesos_shim_detector_new)(group.raw) };
        if raw.is_null() {
            return Err(creation_error(group.api));
        }
        Ok(Self {
            raw,
            group: Arc::clone(group),
        })
    }

    /// Answered when the leader changes from the one this detector last
    /// reported: its data, or `None` when nobody leads.
    pub(super) fn detect(&self) -> Completion<Option<Vec<u8>>> {
        let api = self.group.api;
        let described = self.group.described("detection of the leader");
        let decode = Box::new(|values: Vec<Vec<u8>>| {
            let mut values = values.into_iter();
            match (values.next(), values.next()) {
                (leader, None) => Ok(leader),
                _ => Err(Refusal::Malformed("more than one leader's data".into())),
            }
        });
        Completion::start(api, described, decode, |done, context| {
            // SAFETY: as in `NativeContender::contend`.
            unsafe { (api.mesos_shim_detector_detect)(self.raw, done, context) }
        })
    }
}

impl Drop for NativeDetector {
    fn drop(&mut self) {
        // SAFETY: `raw` came from `mesos_shim_detector_new` and is freed
        // once, here, before `group` is dropped. The shim's free waits for
        // the detector's process, which is where a detection's continuation
        // reads the group: none runs after this.
        unsafe { (self.group.api.mesos_shim_detector_free)(self.raw) };
    }
}

fn no_values(values: Vec<Vec<u8>>) -> std::result::Result<(), Refusal> {
    if values.is_empty() {
        Ok(())
    } else {
        Err(Refusal::Malformed(format!(
            "expected no values, got {}",
            values.len()
        )))
    }
}
