//! The lifecycle's concurrency rules (src/driver/), hammered against the
//! shim's test double, whose callback thread and blocking `join` behave as
//! libmesos's do: the owner's drop racing `join`, callbacks calling the
//! driver while it is dropped, drops from inside callbacks, many threads
//! calling while the owner drops, and starts racing each other. Every
//! round must end (bounded by `within`), free the C++ driver exactly once
//! its last handle is gone, and make no call libmesos would die of.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Barrier, Mutex};
use std::time::Duration;

use mesos_native::proto::{Filters, FrameworkId, Offer, OfferId, SlaveId, TaskStatus};
use mesos_native::{DriverStatus, Error, MesosSchedulerDriver, Scheduler, SchedulerDriver};
use mesos_native_double::{scheduler, SchedulerDouble};
use prost::Message;

use crate::fixtures::{framework, Idle};
use crate::support::within;
use within::within;

const ROUNDS: u64 = 20;
const BOUND: Duration = Duration::from_secs(10);

fn offer(id: &str) -> Vec<u8> {
    Offer {
        id: OfferId { value: id.into() },
        framework_id: FrameworkId { value: "fw".into() },
        slave_id: SlaveId { value: "a".into() },
        hostname: "localhost".into(),
        ..Default::default()
    }
    .encode_to_vec()
}

fn build(scheduler: impl Scheduler + 'static, name: &str) -> MesosSchedulerDriver {
    MesosSchedulerDriver::builder(scheduler, framework(name), "127.0.0.1:5050")
        .shim(crate::support::double())
        .build()
        .unwrap()
}

/// What a call through a handle may say while the owner is being dropped.
fn acceptable(result: &mesos_native::Result<()>) -> bool {
    matches!(
        result,
        Ok(()) | Err(Error::NotRunning { .. }) | Err(Error::Aborted { message: None })
    )
}

fn settled(double: &SchedulerDouble, round: u64) {
    assert!(
        double.driver.wait_idle(),
        "round {round}: callbacks still queued"
    );
    assert!(double.driver.is_freed(), "round {round}: not freed");
    assert!(!double.driver.was_freed_from_callback(), "round {round}");
    assert!(
        !double.driver.callback_thread_panicked(),
        "round {round}: the double's callback thread panicked"
    );
    assert!(
        double.driver.fatal_calls().is_empty(),
        "round {round}: {:?}",
        double.driver.fatal_calls()
    );
}

#[test]
fn the_owners_drop_racing_joins_releases_every_join() {
    for round in 0..ROUNDS {
        let name = format!("race-join-{round}");
        let driver = build(Idle, &name);
        driver.start().unwrap();
        let joiners: Vec<_> = (0..3)
            .map(|_| {
                let handle = (*driver).clone();
                std::thread::spawn(move || handle.join())
            })
            .collect();
        std::thread::sleep(Duration::from_micros(100 * round));
        within(&format!("round {round}: drop"), BOUND, move || drop(driver));
        for joiner in joiners {
            let joined = within(&format!("round {round}: join"), BOUND, move || {
                joiner.join().unwrap()
            });
            assert!(
                matches!(
                    joined,
                    Err(Error::Aborted { message: None }) | Err(Error::NotRunning { .. })
                ),
                "round {round}: {joined:?}"
            );
        }
        settled(&scheduler(&name), round);
    }
}

/// Declines every offer from inside the callback, slowly, counting what
/// the calls said.
struct Declines {
    calls: Arc<AtomicUsize>,
    unexpected: Arc<Mutex<Vec<String>>>,
}

impl Scheduler for Declines {
    fn resource_offers(&mut self, driver: &SchedulerDriver, offers: Vec<Offer>) {
        for offer in offers {
            for _ in 0..50 {
                let declined = driver.decline_offer(&offer.id, &Filters::default());
                self.calls.fetch_add(1, Ordering::Relaxed);
                if !acceptable(&declined) {
                    self.unexpected
                        .lock()
                        .unwrap()
                        .push(format!("{declined:?}"));
                }
            }
        }
    }
    fn status_update(&mut self, _: &SchedulerDriver, _: TaskStatus) {}
}

#[test]
fn callbacks_calling_the_driver_while_the_owner_drops_neither_deadlock_nor_crash() {
    for round in 0..ROUNDS {
        let name = format!("race-callback-{round}");
        let calls = Arc::new(AtomicUsize::new(0));
        let unexpected = Arc::new(Mutex::new(Vec::new()));
        let driver = build(
            Declines {
                calls: Arc::clone(&calls),
                unexpected: Arc::clone(&unexpected),
            },
            &name,
        );
        driver.start().unwrap();
        let double = scheduler(&name);
        for batch in 0..5 {
            double.resource_offers(vec![offer(&format!("o{batch}")); 4]);
        }
        let joiner = {
            let handle = (*driver).clone();
            std::thread::spawn(move || handle.join())
        };
        while calls.load(Ordering::Relaxed) == 0 {
            std::thread::yield_now();
        }
        within(&format!("round {round}: drop"), BOUND, move || drop(driver));
        let joined = within(&format!("round {round}: join"), BOUND, move || {
            joiner.join().unwrap()
        });
        assert!(matches!(
            joined,
            Err(Error::Aborted { .. }) | Err(Error::NotRunning { .. })
        ));
        assert!(
            unexpected.lock().unwrap().is_empty(),
            "{:?}",
            unexpected.lock()
        );
        settled(&double, round);
    }
}

/// Drops the driver (the owner itself, handed to it) from inside a callback.
struct DropsItsDriver(Arc<Mutex<Option<MesosSchedulerDriver>>>, Arc<AtomicBool>);

impl Scheduler for DropsItsDriver {
    fn resource_offers(&mut self, driver: &SchedulerDriver, _: Vec<Offer>) {
        let owner = self.0.lock().unwrap().take();
        drop(owner);
        // The lent handle still answers (the driver is detached now, or
        // about to be on the helper thread).
        let revived = driver.revive_offers();
        assert!(acceptable(&revived), "{revived:?}");
        self.1.store(true, Ordering::SeqCst);
    }
    fn status_update(&mut self, _: &SchedulerDriver, _: TaskStatus) {}
}

#[test]
fn dropping_the_owner_from_inside_its_callback_releases_it_after_the_callback() {
    for round in 0..ROUNDS {
        let name = format!("drop-inside-{round}");
        let slot = Arc::new(Mutex::new(None));
        let returned = Arc::new(AtomicBool::new(false));
        let driver = build(
            DropsItsDriver(Arc::clone(&slot), Arc::clone(&returned)),
            &name,
        );
        driver.start().unwrap();
        *slot.lock().unwrap() = Some(driver);
        let double = scheduler(&name);
        double.resource_offers(vec![offer("o")]);
        // More callbacks queued behind it find the user gone.
        double.resource_offers(vec![offer("p")]);
        {
            let double = Arc::clone(&double);
            within(&format!("round {round}: release"), BOUND, move || {
                while !double.driver.is_freed() {
                    std::thread::sleep(Duration::from_millis(1));
                }
            });
        }
        assert!(
            returned.load(Ordering::SeqCst),
            "round {round}: callback did not finish"
        );
        settled(&double, round);
    }
}

#[test]
fn many_threads_calling_while_the_owner_drops_see_only_running_or_gone() {
    const THREADS: usize = 8;
    for round in 0..ROUNDS {
        let name = format!("many-callers-{round}");
        let driver = build(Idle, &name);
        driver.start().unwrap();
        let go = Arc::new(Barrier::new(THREADS + 1));
        let callers: Vec<_> = (0..THREADS)
            .map(|thread| {
                let handle = (*driver).clone();
                let go = Arc::clone(&go);
                std::thread::spawn(move || {
                    go.wait();
                    let mut gone = false;
                    let mut calls = 0;
                    while !gone && calls < 100_000 {
                        let result = match thread % 3 {
                            0 => handle.reconcile_tasks(&[]),
                            1 => handle.revive_offers(),
                            _ => handle.suppress_offers_for_roles(&["r"]),
                        };
                        assert!(acceptable(&result), "{result:?}");
                        gone = matches!(result, Err(Error::NotRunning { .. }));
                        calls += 1;
                    }
                    if gone {
                        // Once detached, always detached.
                        assert!(matches!(
                            handle.revive_offers(),
                            Err(Error::NotRunning { .. })
                        ));
                    }
                })
            })
            .collect();
        go.wait();
        std::thread::sleep(Duration::from_micros(50 * round));
        within(&format!("round {round}: drop"), BOUND, move || drop(driver));
        for caller in callers {
            caller.join().unwrap();
        }
        settled(&scheduler(&name), round);
    }
}

#[test]
fn racing_starts_start_the_driver_once() {
    const THREADS: usize = 6;
    for round in 0..ROUNDS {
        let name = format!("racing-starts-{round}");
        let driver = Arc::new(build(Idle, &name));
        let go = Arc::new(Barrier::new(THREADS));
        let starters: Vec<_> = (0..THREADS)
            .map(|_| {
                let driver = Arc::clone(&driver);
                let go = Arc::clone(&go);
                std::thread::spawn(move || {
                    go.wait();
                    driver.start()
                })
            })
            .collect();
        for starter in starters {
            assert_eq!(starter.join().unwrap().unwrap(), DriverStatus::Running);
        }
        let double = scheduler(&name);
        assert_eq!(double.driver.calls_named("start").len(), 1, "round {round}");
        assert_eq!(driver.status(), DriverStatus::Running);
        let driver = Arc::into_inner(driver).unwrap();
        within(&format!("round {round}: drop"), BOUND, move || drop(driver));
        settled(&double, round);
    }
}

#[test]
fn a_late_return_never_brings_a_stopped_driver_back_to_running() {
    for round in 0..ROUNDS {
        let name = format!("late-return-{round}");
        let driver = build(Idle, &name);
        driver.start().unwrap();
        let caller = {
            let handle = (*driver).clone();
            std::thread::spawn(move || {
                for _ in 0..1000 {
                    let _ = handle.revive_offers();
                }
            })
        };
        assert_eq!(driver.stop(false).unwrap(), DriverStatus::Stopped);
        caller.join().unwrap();
        assert_eq!(driver.status(), DriverStatus::Stopped, "round {round}");
        assert_eq!(driver.join().unwrap(), DriverStatus::Stopped);
        drop(driver);
        settled(&scheduler(&name), round);
    }
}

#[test]
fn callbacks_fired_after_the_owner_dropped_are_dropped_as_libmesos_drops_them() {
    let name = "fired-after-drop";
    let driver = build(Idle, name);
    driver.start().unwrap();
    let double = scheduler(name);
    drop(driver);
    // The process behind the driver is gone: no callback, no panic.
    double.resource_offers(vec![offer("late")]);
    double.error("late error");
    settled(&double, 0);
}

/// Drops its own driver from inside `error`, as a framework that gives up
/// on the first error might.
struct DropsItsDriverOnError(Arc<Mutex<Option<MesosSchedulerDriver>>>);

impl Scheduler for DropsItsDriverOnError {
    fn resource_offers(&mut self, _: &SchedulerDriver, _: Vec<Offer>) {}
    fn status_update(&mut self, _: &SchedulerDriver, _: TaskStatus) {}
    fn error(&mut self, _: &SchedulerDriver, _: String) {
        self.0.lock().unwrap().take();
    }
}

#[test]
fn an_error_callback_that_drops_the_owner_survives_libmesoss_abort_after_it() {
    for round in 0..ROUNDS {
        let name = format!("drop-on-error-{round}");
        let slot = Arc::new(Mutex::new(None));
        let driver = build(DropsItsDriverOnError(Arc::clone(&slot)), &name);
        driver.start().unwrap();
        *slot.lock().unwrap() = Some(driver);
        let double = scheduler(&name);
        // libmesos aborts the driver right after `error` returns; by then
        // the owner may already be freed.
        double.error("framework removed");
        {
            let double = Arc::clone(&double);
            within(&format!("round {round}: release"), BOUND, move || {
                while !double.driver.is_freed() {
                    std::thread::sleep(Duration::from_millis(1));
                }
            });
        }
        settled(&double, round);
    }
}
