//! libmesos's fatal preconditions (`src/scheduler/preconditions.rs`, the
//! executors' `environment.rs`, `State::has_no_process`), against the shim's
//! test double: each call libmesos would answer by killing the process is
//! refused by the binding, never reaches the shim, and the double (which
//! records such calls) saw none. Also: what the double answers for bad
//! arguments, and the real code of a failed creation.

use std::time::Duration;

use mesos_native::proto::{
    Filters, Offer, OfferId, OperationId, TaskId, TaskInfo, TaskState, TaskStatus,
};
use mesos_native::{
    operations, DriverStatus, Error, MesosExecutorDriver, MesosSchedulerDriver, Scheduler,
    SchedulerDriver, ShimErrorKind,
};
use mesos_native_double::{executor, scheduler, API};
use mesos_native_sys::mesos_shim_buf;
use prost::Message;

use crate::fixtures::{framework, Idle};
use crate::support::within;
use within::within;

fn driver(name: &str, master: &str, implicit: bool) -> MesosSchedulerDriver {
    MesosSchedulerDriver::builder(Idle, framework(name), master)
        .implicit_acknowledgements(implicit)
        .shim(crate::support::double())
        .build()
        .unwrap()
}

fn running(name: &str) -> MesosSchedulerDriver {
    let driver = driver(name, "127.0.0.1:5050", true);
    driver.start().unwrap();
    driver
}

fn invalid(result: mesos_native::Result<()>, what: &str) -> String {
    match result {
        Err(error @ Error::InvalidArgument { .. }) => {
            assert!(error.to_string().contains(what), "{error}");
            error.to_string()
        }
        other => panic!("expected InvalidArgument about {what}, got {other:?}"),
    }
}

#[test]
fn an_operation_with_an_id_is_refused_before_the_shim() {
    let driver = running("fatal-operation-id");
    let offer = Offer {
        id: OfferId { value: "o".into() },
        ..Default::default()
    };
    let mut with_id = operations::launch([TaskInfo::default()]);
    with_id.id = Some(OperationId {
        value: "op-1".into(),
    });
    let refused = driver.accept_offers(
        std::slice::from_ref(&offer.id),
        &[operations::launch([]), with_id],
        &Filters::default(),
    );
    invalid(refused, "operation 1 has an `id`");
    let double = scheduler("fatal-operation-id");
    assert!(double.driver.calls_named("accept_offers").is_empty());
    // Without the id, the same call goes through.
    driver
        .accept_offers(&[offer.id], &[operations::launch([])], &Filters::default())
        .unwrap();
    assert_eq!(double.driver.calls_named("accept_offers").len(), 1);
    assert!(double.driver.fatal_calls().is_empty());
    assert_eq!(driver.status(), DriverStatus::Running);
}

#[test]
fn acknowledging_on_a_driver_with_implicit_acknowledgements_is_refused() {
    let mut status = TaskStatus {
        task_id: TaskId { value: "t".into() },
        ..Default::default()
    };
    status.set_state(TaskState::TaskRunning);

    let implicit = running("fatal-implicit-ack");
    invalid(
        implicit.acknowledge_status_update(&status),
        "implicit_acknowledgements(false)",
    );
    let double = scheduler("fatal-implicit-ack");
    assert!(double
        .driver
        .calls_named("acknowledge_status_update")
        .is_empty());

    let explicit = driver("fatal-explicit-ack", "127.0.0.1:5050", false);
    explicit.start().unwrap();
    explicit.acknowledge_status_update(&status).unwrap();
    let double = scheduler("fatal-explicit-ack");
    assert_eq!(
        double.driver.calls_named("acknowledge_status_update").len(),
        1
    );
    assert!(double.driver.fatal_calls().is_empty());
}

#[test]
fn a_suppressed_role_listed_twice_is_refused() {
    let driver = running("fatal-duplicate-role");
    let refused =
        driver.update_framework(&framework("fatal-duplicate-role"), &["a", "b", "a"], None);
    invalid(refused, "'a' is listed twice");
    let double = scheduler("fatal-duplicate-role");
    assert!(double.driver.calls_named("update_framework").is_empty());
    driver
        .update_framework(&framework("fatal-duplicate-role"), &["a", "b"], None)
        .unwrap();
    assert!(double.driver.fatal_calls().is_empty());
}

#[test]
fn a_driver_whose_start_failed_answers_stop_and_join_itself() {
    let driver = driver("fatal-failed-start", "fail-start:no such scheme", true);
    let message = match driver.start() {
        Err(Error::Aborted {
            message: Some(message),
        }) => message,
        other => panic!("expected the start's error, got {other:?}"),
    };
    assert!(message.contains("no such scheme"), "{message}");
    assert_eq!(driver.status(), DriverStatus::Aborted);
    // libmesos would mark it stopped, and kill the process in join.
    assert_eq!(driver.stop(false).unwrap(), DriverStatus::Aborted);
    let handle = (*driver).clone();
    let joined = within("join", Duration::from_secs(5), move || handle.join());
    assert!(
        matches!(joined, Err(Error::Aborted { message: Some(_) })),
        "{joined:?}"
    );
    assert!(matches!(driver.run(), Err(Error::Aborted { .. })));
    assert!(matches!(driver.start(), Err(Error::Aborted { .. })));
    let double = scheduler("fatal-failed-start");
    assert!(
        double.driver.fatal_calls().is_empty(),
        "{:?}",
        double.driver.fatal_calls()
    );
    assert!(double.driver.calls_named("stop").is_empty());
    assert_eq!(double.driver.calls_named("start").len(), 1);
}

#[test]
fn stopping_from_inside_the_error_of_a_failed_start_is_answered_too() {
    struct StopsOnError;
    impl Scheduler for StopsOnError {
        fn resource_offers(&mut self, _: &SchedulerDriver, _: Vec<Offer>) {}
        fn status_update(&mut self, _: &SchedulerDriver, _: TaskStatus) {}
        fn error(&mut self, driver: &SchedulerDriver, _: String) {
            assert_eq!(driver.stop(false).unwrap(), DriverStatus::Aborted);
            assert!(matches!(driver.join(), Err(Error::Aborted { .. })));
        }
    }
    let driver = MesosSchedulerDriver::builder(
        StopsOnError,
        framework("fatal-stop-in-error"),
        "fail-start:bad url",
    )
    .shim(crate::support::double())
    .build()
    .unwrap();
    let ran = within("run", Duration::from_secs(5), move || driver.run());
    // A panic in the error callback would have been reported instead.
    assert!(
        matches!(ran, Err(Error::Aborted { message: Some(_) })),
        "{ran:?}"
    );
    assert!(scheduler("fatal-stop-in-error")
        .driver
        .fatal_calls()
        .is_empty());
}

#[test]
fn an_executor_driver_outside_an_agent_is_refused_at_creation() {
    match MesosExecutorDriver::builder(Idle)
        .environment([("DOUBLE_KEY", "fatal-no-agent")])
        .shim(crate::support::double())
        .build()
    {
        Err(error @ Error::InvalidArgument { .. }) => {
            assert!(
                error.to_string().contains("MESOS_SLAVE_PID is not set"),
                "{error}"
            )
        }
        Err(other) => panic!("expected InvalidArgument, got {other}"),
        Ok(_) => panic!("expected InvalidArgument, got a driver"),
    }
    let environment = [
        ("MESOS_SLAVE_PID", "not a pid"),
        ("MESOS_SLAVE_ID", "agent"),
        ("MESOS_FRAMEWORK_ID", "framework"),
        ("MESOS_EXECUTOR_ID", "executor"),
        ("MESOS_DIRECTORY", "/tmp"),
        ("DOUBLE_KEY", "fatal-bad-pid"),
    ];
    match MesosExecutorDriver::builder(Idle)
        .environment(environment)
        .shim(crate::support::double())
        .build()
    {
        Err(error @ Error::InvalidArgument { .. }) => {
            assert!(error.to_string().contains("id@host:port"), "{error}")
        }
        Err(other) => panic!("expected InvalidArgument, got {other}"),
        Ok(_) => panic!("expected InvalidArgument, got a driver"),
    }
}

#[test]
fn an_executor_driver_never_started_is_not_deleted() {
    let environment = [
        ("MESOS_SLAVE_PID", "slave(1)@127.0.0.1:5051"),
        ("MESOS_SLAVE_ID", "agent"),
        ("MESOS_FRAMEWORK_ID", "framework"),
        ("MESOS_EXECUTOR_ID", "executor"),
        ("MESOS_DIRECTORY", "/tmp"),
        ("DOUBLE_KEY", "fatal-never-started"),
    ];
    let driver = MesosExecutorDriver::builder(Idle)
        .environment(environment)
        .shim(crate::support::double())
        .build()
        .unwrap();
    assert_eq!(driver.status(), DriverStatus::NotStarted);
    drop(driver);
    let double = executor("fatal-never-started");
    // Leaked, as libmesos's destructor would crash on it.
    assert!(!double.driver.is_freed());
    assert!(double.driver.fatal_calls().is_empty());
}

#[test]
fn a_failed_creation_reports_the_shims_own_error() {
    match MesosSchedulerDriver::builder(Idle, framework("fatal-creation"), "exception:boom")
        .shim(crate::support::double())
        .build()
    {
        Err(Error::Shim { kind, message }) => {
            assert_eq!(kind, ShimErrorKind::Exception);
            assert_eq!(kind.code(), mesos_native_sys::MESOS_SHIM_EXCEPTION);
            assert!(message.contains("boom"), "{message}");
        }
        other => panic!("expected a shim exception, got {:?}", other.map(|_| ())),
    }
}

/// A view of `len` bytes at NULL, which the shim refuses.
const NULL_DATA: mesos_shim_buf = mesos_shim_buf {
    data: std::ptr::null(),
    len: 5,
};

fn buf(bytes: &[u8]) -> mesos_shim_buf {
    mesos_shim_buf {
        data: bytes.as_ptr(),
        len: bytes.len(),
    }
}

#[test]
fn the_double_answers_bad_arguments_with_the_shims_error_codes() {
    // The binding never sends these; call the double's table directly, with
    // the binding's real callbacks and user data, borrowed from a driver
    // that is never started.
    let _hook = MesosSchedulerDriver::builder(Idle, framework("bad-arguments-hook"), "hook")
        .shim(crate::support::double())
        .build()
        .unwrap();
    let hook_double = mesos_native_double::scheduler_created_here().unwrap();
    let (callbacks, user_data) = hook_double.binding_callbacks();
    let framework = framework("bad-arguments").encode_to_vec();
    let master = c"127.0.0.1:5050";
    // SAFETY: every pointer is valid for the calls; `raw` is freed before
    // the hook (whose user data it holds) is dropped, and never started.
    unsafe {
        let raw = (API.mesos_shim_scheduler_driver_new)(
            callbacks,
            user_data,
            buf(&framework),
            master.as_ptr(),
            std::ptr::null(),
            1,
            std::ptr::null(),
            0,
        );
        assert!(!raw.is_null());
        let null = mesos_native_sys::MESOS_SHIM_NULL_ARGUMENT;
        let bad = mesos_native_sys::MESOS_SHIM_BAD_MESSAGE;
        let filters = Filters::default().encode_to_vec();
        assert_eq!(
            (API.mesos_shim_scheduler_driver_kill_task)(std::ptr::null_mut(), buf(b"")),
            null
        );
        assert_eq!(
            (API.mesos_shim_scheduler_driver_kill_task)(raw, NULL_DATA),
            null
        );
        assert_eq!(
            (API.mesos_shim_scheduler_driver_reconcile_tasks)(raw, std::ptr::null(), 3),
            null
        );
        let last_error = std::ffi::CStr::from_ptr((API.mesos_shim_last_error)());
        assert!(
            last_error.to_string_lossy().contains("statuses"),
            "{last_error:?}"
        );
        assert_eq!((API.mesos_shim_last_error_code)(), null);
        assert_eq!(
            (API.mesos_shim_scheduler_driver_decline_offer)(raw, buf(&[0xff, 0xff]), buf(&filters)),
            bad
        );
        assert_eq!(
            (API.mesos_shim_scheduler_driver_new)(
                std::ptr::null(),
                user_data,
                buf(&framework),
                master.as_ptr(),
                std::ptr::null(),
                1,
                std::ptr::null(),
                0,
            ),
            std::ptr::null_mut()
        );
        assert_eq!((API.mesos_shim_last_error_code)(), null);
        (API.mesos_shim_scheduler_driver_free)(raw);
    }
    let double = scheduler("bad-arguments");
    assert!(
        double.driver.calls().is_empty(),
        "{:?}",
        double.driver.calls()
    );
}
