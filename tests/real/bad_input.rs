//! Bad input through real libmesos (and a real cluster where Mesos must
//! answer): what reaches the caller is an error value or a callback, never
//! a crash, a hang or a killed process. Skipped loudly without Mesos.
//!
//! Covered elsewhere, against the shim's test double:
//! - a build without libmesos: `without_libmesos_creating_a_driver_names_the_variable_to_set`
//!   (`tests/bare/scheduler.rs`); a libmesos older than the shim:
//!   `a_libmesos_older_than_the_shim_is_refused`;
//! - a corrupted protobuf buffer from the shim:
//!   `a_corrupted_message_from_the_shim_is_a_decode_error_not_a_crash`;
//! - an empty master string or one with a NUL byte:
//!   `bad_master_strings_are_refused_before_reaching_libmesos`.

use crate::support;

use crate::support::within::within;

use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::support::events::{
    self, channel, command_task, framework, listed_framework, Describe, Ev,
};
use crate::support::{require_mesos, Cluster};
use mesos_native::proto::framework_info::capability::Type as Capability;
use mesos_native::proto::framework_info::Capability as CapabilityInfo;
use mesos_native::proto::task_status::Reason;
use mesos_native::proto::{
    FrameworkId, FrameworkInfo, OfferId, OperationId, TaskId, TaskInfo, TaskState, TaskStatus,
};
use mesos_native::resources::Resources;
use mesos_native::{
    operations, DriverStatus, Error, Executor, ExecutorDriver, MesosExecutorDriver,
    MesosSchedulerDriver, SchedulerDriver,
};

const RESOURCES: &str = "cpus:1;mem:256;disk:100";

/// A loopback address nothing listens on.
fn unreachable_master() -> String {
    let listener = TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    format!("127.0.0.1:{port}")
}

/// Runs a driver that Mesos must refuse; returns the `error` callback's
/// message, checking that `run` returned the same reason.
fn refused(master: &str, info: FrameworkInfo) -> String {
    let (scheduler, mut events) = channel(events::decline_all);
    let driver = Arc::new(
        MesosSchedulerDriver::builder(scheduler, info, master)
            .build()
            .unwrap(),
    );
    let runner = {
        let driver = Arc::clone(&driver);
        std::thread::spawn(move || driver.run())
    };
    let message = events.wait_for(
        "the error callback",
        Duration::from_secs(60),
        |event| match event {
            Ev::Error(message) => Some(message.clone()),
            Ev::Registered(..) => panic!("registered, but Mesos should have refused it"),
            _ => None,
        },
    );
    let result = within("run after the error", Duration::from_secs(30), move || {
        runner.join().unwrap()
    });
    match result {
        Err(Error::Aborted {
            message: Some(reason),
        }) => assert_eq!(reason, message),
        other => panic!("expected Aborted({message:?}), got {other:?}"),
    }
    assert_eq!(driver.status(), DriverStatus::Aborted);
    message
}

#[test]
fn a_malformed_master_url_fails_start_with_the_detector_error() {
    let Some(_install) =
        require_mesos("a_malformed_master_url_fails_start_with_the_detector_error")
    else {
        return;
    };
    for master in [
        "not-a-master",
        "zk://",
        "zk://127.0.0.1:1/",
        "file:///nonexistent/mesos-rs-master-url",
    ] {
        let (scheduler, mut events) = channel(events::decline_all);
        // libmesos takes any string at construction...
        let driver = MesosSchedulerDriver::builder(scheduler, framework("bad-url", 0.0), master)
            .build()
            .unwrap();
        // ...and refuses it in start, through the error callback.
        let message = match driver.start() {
            Err(Error::Aborted {
                message: Some(message),
            }) => message,
            other => panic!("{master}: expected Aborted, got {other:?}"),
        };
        eprintln!("{master}: {message}");
        assert!(
            message.starts_with(&format!(
                "Failed to create a master detector for '{master}'"
            )),
            "{message}"
        );
        let called_back =
            events.wait_for("the error callback", Duration::from_secs(5), |e| match e {
                Ev::Error(message) => Some(message.clone()),
                _ => None,
            });
        assert_eq!(called_back, message);
        // join and run don't block; they keep saying why.
        let handle = (*driver).clone();
        let joined = within("join", Duration::from_secs(5), move || handle.join());
        assert!(
            matches!(joined, Err(Error::Aborted { message: Some(_) })),
            "{joined:?}"
        );
        assert!(matches!(driver.run(), Err(Error::Aborted { .. })));
        assert_eq!(driver.status(), DriverStatus::Aborted);
        // libmesos would mark the process-less driver stopped here, and
        // then kill this process with a failed CHECK in join.
        assert_eq!(driver.stop(false).unwrap(), DriverStatus::Aborted);
        assert!(matches!(driver.join(), Err(Error::Aborted { .. })));
    }

    // The same from inside the error callback, as a scheduler that stops
    // its driver on any error does.
    let (scheduler, mut events) = channel(|driver: &SchedulerDriver, event: &Ev| {
        if let Ev::Error(_) = event {
            assert_eq!(driver.stop(false).unwrap(), DriverStatus::Aborted);
        }
    });
    let driver = MesosSchedulerDriver::builder(scheduler, framework("bad-url", 0.0), "zk://")
        .build()
        .unwrap();
    assert!(matches!(
        driver.run(),
        Err(Error::Aborted { message: Some(_) })
    ));
    events.wait_for("the error callback", Duration::from_secs(5), |e| {
        matches!(e, Ev::Error(_)).then_some(())
    });
    assert!(matches!(driver.join(), Err(Error::Aborted { .. })));
}

#[test]
fn against_an_unreachable_master_the_driver_retries_until_stop_ends_join() {
    let Some(_install) =
        require_mesos("against_an_unreachable_master_the_driver_retries_until_stop_ends_join")
    else {
        return;
    };
    let (scheduler, mut events) = channel(events::decline_all);
    let driver = MesosSchedulerDriver::builder(
        scheduler,
        framework("unreachable", 0.0),
        unreachable_master(),
    )
    .build()
    .unwrap();
    assert_eq!(driver.start().unwrap(), DriverStatus::Running);
    let joiner = {
        let handle = (*driver).clone();
        std::thread::spawn(move || handle.join())
    };
    // Nothing arrives, no error: it keeps trying.
    let seen = events.collect_for(Duration::from_secs(3));
    assert!(seen.is_empty(), "{:?}", events.seen);
    assert_eq!(driver.status(), DriverStatus::Running);

    // A launch while disconnected: libmesos answers it itself.
    let task = TaskInfo {
        name: "never".into(),
        task_id: TaskId {
            value: "never-launched".into(),
        },
        ..Default::default()
    };
    driver
        .launch_tasks(
            &[OfferId {
                value: "never-offered".into(),
            }],
            &[task],
            &events::refuse(1.0),
        )
        .unwrap();
    let status = events.wait_for_terminal("never-launched", Duration::from_secs(10));
    assert_eq!(status.state(), TaskState::TaskLost, "{status:?}");
    assert_eq!(status.reason(), Reason::MasterDisconnected, "{status:?}");

    assert_eq!(driver.stop(false).unwrap(), DriverStatus::Stopped);
    let joined = within("join after stop", Duration::from_secs(10), move || {
        joiner.join().unwrap()
    });
    assert_eq!(joined.unwrap(), DriverStatus::Stopped);
}

#[test]
fn calls_before_start_and_after_stop_are_errors_and_fatal_calls_are_refused() {
    let Some(_install) =
        require_mesos("calls_before_start_and_after_stop_are_errors_and_fatal_calls_are_refused")
    else {
        return;
    };
    let (scheduler, _events) = channel(events::decline_all);
    let driver = MesosSchedulerDriver::builder(
        scheduler,
        framework("not-running", 0.0),
        unreachable_master(),
    )
    .build()
    .unwrap();
    let offer = OfferId { value: "o".into() };
    let not_started = |result: mesos_native::Result<()>| {
        assert!(
            matches!(
                result,
                Err(Error::NotRunning {
                    status: DriverStatus::NotStarted
                })
            ),
            "{result:?}"
        )
    };
    not_started(driver.decline_offer(&offer, &events::refuse(1.0)));
    not_started(driver.revive_offers());
    not_started(driver.reconcile_tasks(&[]));
    let handle = (*driver).clone();
    let joined = within("join before start", Duration::from_secs(5), move || {
        handle.join()
    });
    assert!(
        matches!(
            joined,
            Err(Error::NotRunning {
                status: DriverStatus::NotStarted
            })
        ),
        "{joined:?}"
    );

    assert_eq!(driver.start().unwrap(), DriverStatus::Running);
    // Calls libmesos answers by aborting the whole process are refused
    // before they reach it, and the driver keeps running.
    let mut status = TaskStatus {
        task_id: TaskId { value: "t".into() },
        ..Default::default()
    };
    status.set_state(TaskState::TaskRunning);
    match driver.acknowledge_status_update(&status) {
        Err(error @ Error::InvalidArgument { .. }) => {
            assert!(
                error
                    .to_string()
                    .contains("implicit_acknowledgements(false)"),
                "{error}"
            )
        }
        other => panic!("expected InvalidArgument, got {other:?}"),
    }
    match driver.update_framework(&framework("not-running", 0.0), &["a", "b", "a"], None) {
        Err(Error::InvalidArgument {
            what: "suppressed_roles",
            reason,
        }) => assert!(reason.contains("'a'"), "{reason}"),
        other => panic!("expected InvalidArgument, got {other:?}"),
    }
    assert_eq!(driver.status(), DriverStatus::Running);
    driver.revive_offers().unwrap();

    assert_eq!(driver.stop(false).unwrap(), DriverStatus::Stopped);
    assert!(matches!(
        driver.revive_offers(),
        Err(Error::NotRunning {
            status: DriverStatus::Stopped
        })
    ));
    assert!(matches!(
        driver.start(),
        Err(Error::NotRunning {
            status: DriverStatus::Stopped
        })
    ));
    assert_eq!(driver.join().unwrap(), DriverStatus::Stopped);
}

#[test]
fn invalid_framework_info_reaches_the_error_callback_and_run() {
    let Some(install) = require_mesos("invalid_framework_info_reaches_the_error_callback_and_run")
    else {
        return;
    };
    support::init_logging();
    let cluster = Cluster::start(&install, 1, RESOURCES);
    let multi_role = |role: &str| FrameworkInfo {
        roles: vec![role.into()],
        capabilities: vec![CapabilityInfo {
            r#type: Some(Capability::MultiRole as i32),
        }],
        ..framework("bad-role", 0.0)
    };
    for role in ["has space", "-leading-dash", "a//b", ".."] {
        let message = refused(&cluster.master, multi_role(role));
        eprintln!("role {role:?}: {message}");
        assert!(message.contains("invalid role"), "{role:?}: {message}");
    }
    let message = refused(
        &cluster.master,
        FrameworkInfo {
            failover_timeout: Some(1e300),
            ..framework("bad-failover-timeout", 0.0)
        },
    );
    assert!(message.contains("failover_timeout"), "{message}");
    let message = refused(
        &cluster.master,
        FrameworkInfo {
            id: Some(FrameworkId {
                value: "bad/id".into(),
            }),
            ..framework("bad-id", 0.0)
        },
    );
    assert!(
        message.contains("'bad/id' contains invalid characters"),
        "{message}"
    );

    // Required fields left empty: libmesos fills in the user, and Mesos
    // takes an empty name.
    let (scheduler, mut events) = channel(events::decline_all);
    let driver =
        MesosSchedulerDriver::builder(scheduler, FrameworkInfo::default(), &*cluster.master)
            .build()
            .unwrap();
    driver.start().unwrap();
    let (id, _) = events.wait_for("registration", Duration::from_secs(60), |e| match e {
        Ev::Registered(id, master) => Some((id.clone(), master.clone())),
        Ev::Error(message) => panic!("refused: {message}"),
        _ => None,
    });
    let state = cluster.state();
    let registered = listed_framework(&state, |f| support::framework_id(f) == id.value)
        .expect("the framework in GET_STATE");
    assert_eq!(registered.framework_info.name, "");
    let user = &registered.framework_info.user;
    assert!(!user.is_empty(), "libmesos filled in the user");
    assert_eq!(driver.stop(false).unwrap(), DriverStatus::Stopped);
    assert_eq!(driver.join().unwrap(), DriverStatus::Stopped);
}

#[test]
fn launching_on_resources_or_offers_mesos_did_not_give_ends_the_task_not_the_driver() {
    let Some(install) = require_mesos(
        "launching_on_resources_or_offers_mesos_did_not_give_ends_the_task_not_the_driver",
    ) else {
        return;
    };
    support::init_logging();
    let cluster = Cluster::start(&install, 1, RESOURCES);
    let refused_operation = Arc::new(Mutex::new(None));
    let mut first = true;
    let react = {
        let refused_operation = Arc::clone(&refused_operation);
        move |driver: &SchedulerDriver, event: &Ev| {
            let Ev::Offers(offers) = event else { return };
            for offer in offers {
                if !first {
                    let _ = driver.decline_offer(&offer.id, &events::refuse(30.0));
                    continue;
                }
                first = false;
                // An operation with an id: libmesos would abort the process.
                let mut with_id = operations::launch([command_task("with-id", offer, "true")]);
                with_id.id = Some(OperationId {
                    value: "op-1".into(),
                });
                *refused_operation.lock().unwrap() = Some(driver.accept_offers(
                    std::slice::from_ref(&offer.id),
                    &[with_id],
                    &events::refuse(0.0),
                ));
                // More cpus than any offer holds.
                let too_big = TaskInfo {
                    resources: Resources::parse("cpus:64;mem:32").unwrap().into_vec(),
                    ..command_task("too-big", offer, "true")
                };
                driver
                    .launch_tasks(
                        std::slice::from_ref(&offer.id),
                        &[too_big],
                        &events::refuse(30.0),
                    )
                    .unwrap();
            }
        }
    };
    let (scheduler, mut events) = channel(react);
    let driver =
        MesosSchedulerDriver::builder(scheduler, framework("bad-launch", 0.0), &*cluster.master)
            .build()
            .unwrap();
    driver.start().unwrap();

    let status = events.wait_for_terminal("too-big", Duration::from_secs(60));
    eprintln!("too-big: {status:?}");
    assert_eq!(status.state(), TaskState::TaskError, "{status:?}");
    assert_eq!(status.reason(), Reason::TaskInvalid, "{status:?}");
    match refused_operation.lock().unwrap().take() {
        Some(Err(Error::InvalidArgument {
            what: "operations", ..
        })) => {}
        other => panic!("expected the operation with an id refused, got {other:?}"),
    }

    // An offer id Mesos never made (or already used).
    let agent = status.slave_id.clone().unwrap_or_default();
    let ghost = TaskInfo {
        name: "ghost".into(),
        task_id: TaskId {
            value: "ghost".into(),
        },
        slave_id: agent,
        resources: events::small_resources(),
        command: command_task("x", &Default::default(), "true").command,
        ..Default::default()
    };
    driver
        .launch_tasks(
            &[OfferId {
                value: "no-such-offer".into(),
            }],
            &[ghost],
            &events::refuse(1.0),
        )
        .unwrap();
    let status = events.wait_for_terminal("ghost", Duration::from_secs(60));
    eprintln!("ghost: {status:?}");
    assert_eq!(status.state(), TaskState::TaskLost, "{status:?}");
    assert_eq!(status.reason(), Reason::InvalidOffers, "{status:?}");

    assert_eq!(
        driver.status(),
        DriverStatus::Running,
        "the driver carries on"
    );
    assert_eq!(driver.stop(false).unwrap(), DriverStatus::Stopped);
    assert_eq!(driver.join().unwrap(), DriverStatus::Stopped);
}

#[test]
fn a_panicking_callback_aborts_the_real_driver_and_run_returns_the_panic() {
    let Some(install) =
        require_mesos("a_panicking_callback_aborts_the_real_driver_and_run_returns_the_panic")
    else {
        return;
    };
    support::init_logging();
    let cluster = Cluster::start(&install, 1, RESOURCES);
    let (scheduler, mut events) = channel(|_: &SchedulerDriver, event: &Ev| {
        if let Ev::Offers(_) = event {
            panic!("deliberate panic in resource_offers");
        }
    });
    let driver = Arc::new(
        MesosSchedulerDriver::builder(scheduler, framework("panicking", 0.0), &*cluster.master)
            .build()
            .unwrap(),
    );
    let result = {
        let driver = Arc::clone(&driver);
        within("run", Duration::from_secs(60), move || driver.run())
    };
    match result {
        Err(Error::CallbackPanicked { callback, message }) => {
            assert_eq!(callback, "Scheduler::resource_offers");
            assert_eq!(message, "deliberate panic in resource_offers");
        }
        other => panic!("expected CallbackPanicked, got {other:?}"),
    }
    assert_eq!(driver.status(), DriverStatus::Aborted);
    // Registered came before; nothing after the panic.
    let after: Vec<String> = events
        .collect_for(Duration::from_secs(2))
        .iter()
        .map(Ev::describe)
        .collect();
    assert!(
        after.iter().all(|e| e.starts_with("registered")),
        "{after:?}"
    );
    assert!(matches!(driver.join(), Err(Error::CallbackPanicked { .. })));
}

#[test]
fn dropping_a_running_real_driver_releases_join_and_leaves_the_framework_registered() {
    let Some(install) = require_mesos(
        "dropping_a_running_real_driver_releases_join_and_leaves_the_framework_registered",
    ) else {
        return;
    };
    support::init_logging();
    let cluster = Cluster::start(&install, 1, RESOURCES);
    let (scheduler, mut events) = channel(events::decline_all);
    let driver =
        MesosSchedulerDriver::builder(scheduler, framework("dropped", 0.0), &*cluster.master)
            .build()
            .unwrap();
    driver.start().unwrap();
    events.wait_for("registration", Duration::from_secs(60), |e| {
        matches!(e, Ev::Registered(..)).then_some(())
    });
    let handle = (*driver).clone();
    let joiner = {
        let handle = handle.clone();
        std::thread::spawn(move || handle.join())
    };
    within("drop", Duration::from_secs(30), move || drop(driver));
    let joined = within(
        "join through a handle",
        Duration::from_secs(10),
        move || joiner.join().unwrap(),
    );
    // Aborted if the joiner was already blocked in join when the driver was
    // dropped; NotRunning if the drop detached the handle first.
    assert!(
        matches!(
            joined,
            Err(Error::Aborted { message: None }) | Err(Error::NotRunning { .. })
        ),
        "{joined:?}"
    );
    assert!(matches!(
        handle.revive_offers(),
        Err(Error::NotRunning { .. })
    ));
    // Like abort, dropping does not unregister: the master still lists the
    // framework (this process's libprocess, shared with other drivers,
    // keeps its connection to the master open).
    std::thread::sleep(Duration::from_secs(2));
    let state = cluster.state();
    assert!(
        listed_framework(&state, |f| f.framework_info.name == "dropped").is_some(),
        "{:?}",
        state.get_frameworks
    );
    assert!(state
        .get_frameworks
        .as_ref()
        .unwrap()
        .completed_frameworks
        .iter()
        .all(|f| f.framework_info.name != "dropped"));
}

struct Idle;

impl Executor for Idle {
    fn launch_task(&mut self, _: &ExecutorDriver, _: TaskInfo) {}
    fn kill_task(&mut self, _: &ExecutorDriver, _: TaskId) {}
}

#[test]
fn an_executor_driver_outside_an_agent_is_an_error_not_an_exit() {
    let Some(_install) =
        require_mesos("an_executor_driver_outside_an_agent_is_an_error_not_an_exit")
    else {
        return;
    };
    // This test process was not launched by an agent.
    assert!(std::env::var_os("MESOS_SLAVE_PID").is_none());
    match MesosExecutorDriver::new(Idle) {
        Err(error @ Error::InvalidArgument { .. }) => {
            assert!(
                error.to_string().contains("MESOS_SLAVE_PID is not set"),
                "{error}"
            )
        }
        Err(other) => panic!("expected InvalidArgument, got {other}"),
        Ok(_) => panic!("expected InvalidArgument, got a driver"),
    }
    let mut environment = vec![
        ("MESOS_SLAVE_PID", "not a pid"),
        ("MESOS_SLAVE_ID", "agent"),
        ("MESOS_FRAMEWORK_ID", "framework"),
        ("MESOS_EXECUTOR_ID", "executor"),
        ("MESOS_DIRECTORY", "/tmp"),
    ];
    match MesosExecutorDriver::builder(Idle)
        .environment(environment.clone())
        .build()
    {
        Err(error @ Error::InvalidArgument { .. }) => {
            assert!(error.to_string().contains("id@host:port"), "{error}")
        }
        Err(other) => panic!("expected InvalidArgument, got {other}"),
        Ok(_) => panic!("expected InvalidArgument, got a driver"),
    }
    // A complete environment: created, then dropped without being started
    // (libmesos's destructor would crash on it).
    environment[0].1 = "slave(1)@127.0.0.1:1";
    let driver = MesosExecutorDriver::builder(Idle)
        .environment(environment)
        .build()
        .unwrap();
    assert_eq!(driver.status(), DriverStatus::NotStarted);
    drop(driver);
}

/// What the shim itself refuses, through the shim built against this
/// libmesos: the binding checks its input in Rust first, so only a direct
/// call of the C interface reaches the shim's own refusals (its one catch
/// handler and `current_exception_code`). Each comes back as its code and
/// a last error that names the problem, never an exception across the C
/// boundary.
#[test]
fn the_shims_own_refusals_come_back_as_codes_and_messages() {
    use mesos_native_sys::{mesos_shim_buf, mesos_shim_scheduler_callbacks};
    use std::ffi::CStr;

    let Some(_install) = require_mesos("the_shims_own_refusals_come_back_as_codes_and_messages")
    else {
        return;
    };
    let api = mesos_native_sys::native().expect("a build with libmesos has the native shim");
    let last_error = || {
        // SAFETY: the shim's last error is a NUL-terminated string of this
        // thread's, valid until its next failing call; copied at once.
        unsafe {
            let text = (api.mesos_shim_last_error)();
            let text = if text.is_null() {
                String::new()
            } else {
                CStr::from_ptr(text).to_string_lossy().into_owned()
            };
            ((api.mesos_shim_last_error_code)(), text)
        }
    };

    // SAFETY: a NULL driver handle is what the shim must refuse; no
    // buffer is read (the list is empty).
    let code = unsafe {
        (api.mesos_shim_scheduler_driver_reconcile_tasks)(std::ptr::null_mut(), std::ptr::null(), 0)
    };
    assert_eq!(code, mesos_native_sys::MESOS_SHIM_NULL_ARGUMENT);
    assert_eq!(
        last_error(),
        (code, "scheduler driver handle is NULL".to_string())
    );

    // Every callback set (to one that is never called: the driver is
    // never created), and a FrameworkInfo that does not parse.
    extern "C" fn never_called() {}
    // SAFETY: the callbacks struct is all nullable function pointers.
    let mut callbacks: mesos_shim_scheduler_callbacks = unsafe { std::mem::zeroed() };
    let slots =
        std::mem::size_of::<mesos_shim_scheduler_callbacks>() / std::mem::size_of::<usize>();
    let words = (&mut callbacks as *mut mesos_shim_scheduler_callbacks).cast::<usize>();
    for slot in 0..slots {
        // SAFETY: `slot` is inside the struct, whose every word is a
        // function pointer field; the shim only tests them for NULL here.
        unsafe {
            words
                .add(slot)
                .write(never_called as extern "C" fn() as usize)
        };
    }
    let garbage = [0xffu8; 4];
    // SAFETY: every pointer is valid for the call, which copies what it
    // keeps; the shim refuses the bytes before creating anything.
    let created = unsafe {
        (api.mesos_shim_scheduler_driver_new)(
            &callbacks,
            std::ptr::null_mut(),
            mesos_shim_buf {
                data: garbage.as_ptr(),
                len: garbage.len(),
            },
            c"127.0.0.1:1".as_ptr(),
            std::ptr::null(),
            1,
            std::ptr::null(),
            0,
        )
    };
    assert!(created.is_null());
    let (code, message) = last_error();
    assert_eq!(code, mesos_native_sys::MESOS_SHIM_BAD_MESSAGE);
    assert!(
        message.starts_with("framework_info: not a valid serialized mesos.FrameworkInfo"),
        "{message}"
    );
}
