//! A master string, as `MesosSchedulerDriver::builder(..).build()` takes
//! it (the v1 scheduler shares the check, `ffi::master_string`): an empty
//! one or one with a NUL byte is `InvalidArgument` naming the master,
//! before libmesos; any other reaches the shim (here the test double)
//! unchanged, for libmesos to judge at `start`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mesos_native::proto::{FrameworkInfo, Offer, TaskStatus};
use mesos_native::{Error, MesosSchedulerDriver, Scheduler, SchedulerDriver};

struct Idle;

impl Scheduler for Idle {
    fn resource_offers(&mut self, _: &SchedulerDriver, _: Vec<Offer>) {}
    fn status_update(&mut self, _: &SchedulerDriver, _: TaskStatus) {}
}

fuzz_target!(|data: &[u8]| {
    let Some(master) = mesos_fuzz::text(data) else {
        return;
    };
    // The double fails creation on masters starting "exception:".
    if master.starts_with("exception:") {
        return;
    }
    let framework = FrameworkInfo {
        user: "fuzz".into(),
        name: "fuzz".into(),
        ..Default::default()
    };
    let built = MesosSchedulerDriver::builder(Idle, framework, master)
        .shim(mesos_fuzz::double())
        .build();
    let acceptable = !master.is_empty() && !master.contains('\0');
    match built {
        Ok(_) => {
            assert!(acceptable, "{master:?} was accepted");
            let double = mesos_native_double::scheduler_created_here().expect("made here");
            assert_eq!(double.master, master);
        }
        Err(Error::InvalidArgument {
            what: "master",
            reason,
        }) => {
            assert!(!acceptable, "{master:?} was refused: {reason}")
        }
        Err(other) => panic!("{master:?}: unexpected error {other:?}"),
    }
});
