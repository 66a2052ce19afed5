//! The leader-election functions of the double, under their C names: the
//! groups live in this process's memory, one per `servers` and `znode`,
//! so contenders and detectors made from different groups of the same
//! location meet, as they would in ZooKeeper. Every answer comes from a
//! thread of its own.
//!
//! A group whose host is `fail` (servers `fail:2181`) fails every contend
//! (and so every watch) with the last component of its znode as the text. [`expire`] ends a membership as a lost
//! ZooKeeper session does.

use std::collections::BTreeMap;
use std::os::raw::c_void;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use mesos_native_sys::{
    mesos_shim_buf, mesos_shim_contender, mesos_shim_detector, mesos_shim_future_callback,
    mesos_shim_group, MESOS_SHIM_BAD_ARGUMENT, MESOS_SHIM_DISCARDED, MESOS_SHIM_FAILED,
    MESOS_SHIM_NULL_ARGUMENT, MESOS_SHIM_OK, MESOS_SHIM_READY,
};

use crate::buffers::{self, fail, ShimError};
use crate::state_log::{answered, flag, Answer};

/// Every group location's members, by `servers` then `znode`.
static GROUPS: Mutex<BTreeMap<String, Members>> = Mutex::new(BTreeMap::new());

/// Detector ids, unique in the process.
static DETECTORS: AtomicU64 = AtomicU64::new(1);

#[derive(Default)]
struct Members {
    next_sequence: u64,
    /// Sequence to data: the lowest leads.
    members: BTreeMap<u64, Vec<u8>>,
    /// Unanswered watches, by the membership they watch.
    watches: BTreeMap<u64, Vec<Answer>>,
    /// Each live detector's last reported leader.
    reported: BTreeMap<u64, Option<u64>>,
    /// Unanswered detections.
    detections: Vec<Detection>,
}

struct Detection {
    detector: u64,
    answer: Answer,
}

impl Members {
    fn leader(&self) -> Option<(u64, Vec<u8>)> {
        self.members
            .first_key_value()
            .map(|(sequence, data)| (*sequence, data.clone()))
    }

    /// Answers `answer` for `detector` if the leader moved on from the one
    /// it last reported; keeps it waiting otherwise.
    fn detect(&mut self, detector: u64, answer: Answer) {
        let leader = self.leader();
        let sequence = leader.as_ref().map(|(sequence, _)| *sequence);
        let previous = self.reported.get(&detector).copied().flatten();
        if sequence == previous {
            self.detections.push(Detection { detector, answer });
            return;
        }
        self.reported.insert(detector, sequence);
        answer.ready(leader.map(|(_, data)| data).into_iter().collect());
    }

    /// Answers the waiting detections after a change of members.
    fn announce(&mut self) {
        for detection in std::mem::take(&mut self.detections) {
            self.detect(detection.detector, detection.answer);
        }
    }

    /// Ends membership `sequence`: its watches are answered `outcome`.
    fn end(&mut self, sequence: u64, outcome: u32) -> bool {
        let ended = self.members.remove(&sequence).is_some();
        for watch in self.watches.remove(&sequence).unwrap_or_default() {
            watch.send(outcome, Vec::new());
        }
        self.announce();
        ended
    }
}

fn with_members<T>(location: &str, work: impl FnOnce(&mut Members) -> T) -> T {
    let mut groups = GROUPS.lock().unwrap();
    work(groups.entry(location.to_string()).or_default())
}

/// Ends the membership whose candidate joined as `name` in the group at
/// `servers` and `znode`, as an expired ZooKeeper session does; whether
/// there was one.
pub fn expire(servers: &str, znode: &str, name: &str) -> bool {
    let prefix = format!("{name}\n");
    with_members(&format!("{servers}{znode}"), |members| {
        let found = members
            .members
            .iter()
            .find(|(_, data)| data.starts_with(prefix.as_bytes()))
            .map(|(sequence, _)| *sequence);
        found.is_some_and(|sequence| members.end(sequence, MESOS_SHIM_READY))
    })
}

struct GroupDouble {
    location: String,
    failure: Option<String>,
}

struct ContenderDouble {
    location: String,
    failure: Option<String>,
    data: Vec<u8>,
    /// Set by the first contend: `Some(None)` when it failed.
    membership: Mutex<Option<Option<u64>>>,
}

struct DetectorDouble {
    location: String,
    id: u64,
}

/// The double behind a handle.
///
/// # Safety
/// `handle` is NULL or came from the double's matching `*_new` and was not
/// freed.
unsafe fn live<'a, T>(handle: *mut impl Sized, what: &str) -> Result<&'a T, ShimError> {
    // SAFETY: by the caller's promise, a live T or NULL.
    unsafe { handle.cast::<T>().as_ref() }
        .ok_or_else(|| fail(MESOS_SHIM_NULL_ARGUMENT, &format!("{what} handle is NULL")))
}

fn text(bytes: Vec<u8>) -> String {
    String::from_utf8_lossy(&bytes).into_owned()
}

pub(crate) unsafe extern "C" fn mesos_shim_group_new(
    servers: mesos_shim_buf,
    _timeout_ns: i64,
    znode: mesos_shim_buf,
    _digest: *const mesos_shim_buf,
) -> *mut mesos_shim_group {
    let made = (|| {
        // SAFETY: the caller lends both buffers for the call.
        let servers = text(unsafe { buffers::bytes(&servers, "servers") }?);
        // SAFETY: as above.
        let znode = text(unsafe { buffers::bytes(&znode, "znode") }?);
        if servers.is_empty() || !znode.starts_with('/') || znode.ends_with('/') {
            return Err(fail(
                MESOS_SHIM_BAD_ARGUMENT,
                "servers is empty, or znode is not an absolute path without a trailing '/'",
            ));
        }
        Ok(GroupDouble {
            failure: (crate::state_log::host(&servers) == "fail")
                .then(|| crate::state_log::last_component(&znode).to_string()),
            location: format!("{servers}{znode}"),
        })
    })();
    made.map_or(std::ptr::null_mut(), |group| {
        Box::into_raw(Box::new(group)).cast()
    })
}

pub(crate) unsafe extern "C" fn mesos_shim_group_free(handle: *mut mesos_shim_group) {
    if !handle.is_null() {
        // SAFETY: from `mesos_shim_group_new`, freed once, here.
        drop(unsafe { Box::from_raw(handle.cast::<GroupDouble>()) });
    }
}

pub(crate) unsafe extern "C" fn mesos_shim_contender_new(
    group: *mut mesos_shim_group,
    data: mesos_shim_buf,
    _label: *const mesos_shim_buf,
) -> *mut mesos_shim_contender {
    let made = (|| {
        // SAFETY: the caller's live group.
        let group: &GroupDouble = unsafe { live(group, "group") }?;
        // SAFETY: the caller lends `data` for the call.
        let data = unsafe { buffers::bytes(&data, "data") }?;
        Ok::<_, ShimError>(ContenderDouble {
            location: group.location.clone(),
            failure: group.failure.clone(),
            data,
            membership: Mutex::new(None),
        })
    })();
    made.map_or(std::ptr::null_mut(), |contender| {
        Box::into_raw(Box::new(contender)).cast()
    })
}

pub(crate) unsafe extern "C" fn mesos_shim_contender_free(handle: *mut mesos_shim_contender) {
    if handle.is_null() {
        return;
    }
    // SAFETY: from `mesos_shim_contender_new`, freed once, here.
    let contender = unsafe { Box::from_raw(handle.cast::<ContenderDouble>()) };
    let membership = *contender.membership.lock().unwrap();
    if let Some(Some(sequence)) = membership {
        // libmesos discards the watch, then cancels the membership.
        with_members(&contender.location, |members| {
            members.end(sequence, MESOS_SHIM_DISCARDED)
        });
    }
}

pub(crate) unsafe extern "C" fn mesos_shim_contender_contend(
    handle: *mut mesos_shim_contender,
    done: mesos_shim_future_callback,
    context: *mut c_void,
) -> i32 {
    answered((|| {
        let answer = Answer::new(done, context)?;
        // SAFETY: the caller's live contender.
        let contender: &ContenderDouble = unsafe { live(handle, "contender") }?;
        let mut membership = contender.membership.lock().unwrap();
        if membership.is_some() {
            answer.send(
                MESOS_SHIM_FAILED,
                vec![b"Cannot contend more than once".to_vec()],
            );
            return Ok(MESOS_SHIM_OK);
        }
        if let Some(failure) = &contender.failure {
            *membership = Some(None);
            answer.send(MESOS_SHIM_FAILED, vec![failure.clone().into_bytes()]);
            return Ok(MESOS_SHIM_OK);
        }
        let sequence = with_members(&contender.location, |members| {
            let sequence = members.next_sequence;
            members.next_sequence += 1;
            members.members.insert(sequence, contender.data.clone());
            members.announce();
            sequence
        });
        *membership = Some(Some(sequence));
        Ok(answer.ready(Vec::new()))
    })())
}

pub(crate) unsafe extern "C" fn mesos_shim_contender_watch(
    handle: *mut mesos_shim_contender,
    done: mesos_shim_future_callback,
    context: *mut c_void,
) -> i32 {
    answered((|| {
        let answer = Answer::new(done, context)?;
        // SAFETY: the caller's live contender.
        let contender: &ContenderDouble = unsafe { live(handle, "contender") }?;
        match *contender.membership.lock().unwrap() {
            None => Err(fail(
                MESOS_SHIM_BAD_ARGUMENT,
                "watch before contend: nothing to watch yet",
            )),
            Some(None) => {
                let failure = contender.failure.clone().unwrap_or_default();
                answer.send(MESOS_SHIM_FAILED, vec![failure.into_bytes()]);
                Ok(MESOS_SHIM_OK)
            }
            Some(Some(sequence)) => Ok(with_members(&contender.location, |members| {
                if members.members.contains_key(&sequence) {
                    members.watches.entry(sequence).or_default().push(answer);
                    MESOS_SHIM_OK
                } else {
                    answer.ready(Vec::new())
                }
            })),
        }
    })())
}

pub(crate) unsafe extern "C" fn mesos_shim_contender_withdraw(
    handle: *mut mesos_shim_contender,
    done: mesos_shim_future_callback,
    context: *mut c_void,
) -> i32 {
    answered((|| {
        let answer = Answer::new(done, context)?;
        // SAFETY: the caller's live contender.
        let contender: &ContenderDouble = unsafe { live(handle, "contender") }?;
        let cancelled = match *contender.membership.lock().unwrap() {
            Some(Some(sequence)) => with_members(&contender.location, |members| {
                members.end(sequence, MESOS_SHIM_READY)
            }),
            _ => false,
        };
        Ok(answer.ready(flag(cancelled)))
    })())
}

pub(crate) unsafe extern "C" fn mesos_shim_detector_new(
    group: *mut mesos_shim_group,
) -> *mut mesos_shim_detector {
    // SAFETY: the caller's live group.
    let Ok(group) = (unsafe { live::<GroupDouble>(group, "group") }) else {
        return std::ptr::null_mut();
    };
    let id = DETECTORS.fetch_add(1, Ordering::Relaxed);
    with_members(&group.location, |members| members.reported.insert(id, None));
    let detector = DetectorDouble {
        location: group.location.clone(),
        id,
    };
    Box::into_raw(Box::new(detector)).cast()
}

pub(crate) unsafe extern "C" fn mesos_shim_detector_free(handle: *mut mesos_shim_detector) {
    if handle.is_null() {
        return;
    }
    // SAFETY: from `mesos_shim_detector_new`, freed once, here.
    let detector = unsafe { Box::from_raw(handle.cast::<DetectorDouble>()) };
    with_members(&detector.location, |members| {
        members.reported.remove(&detector.id);
        let (mine, others) = std::mem::take(&mut members.detections)
            .into_iter()
            .partition(|detection| detection.detector == detector.id);
        members.detections = others;
        for detection in mine {
            detection.answer.send(MESOS_SHIM_DISCARDED, Vec::new());
        }
    });
}

pub(crate) unsafe extern "C" fn mesos_shim_detector_detect(
    handle: *mut mesos_shim_detector,
    done: mesos_shim_future_callback,
    context: *mut c_void,
) -> i32 {
    answered((|| {
        let answer = Answer::new(done, context)?;
        // SAFETY: the caller's live detector.
        let detector: &DetectorDouble = unsafe { live(handle, "detector") }?;
        with_members(&detector.location, |members| {
            members.detect(detector.id, answer)
        });
        Ok(MESOS_SHIM_OK)
    })())
}
