//! The boundary, declared once: every function of `wrapper/mesos_shim.h`
//! and every callback, as data that the crates on both sides turn into code
//! with their own macros:
//!
//! - here, [`ShimApi`](crate::ShimApi)'s fields and their signatures;
//! - in `mesos`, the safe driver calls and the callback trampolines;
//! - in `mesos-test-double`, the double's entry points, its `ShimApi`
//!   table, and the methods that fire callbacks.
//!
//! `shim_boundary!(VIEW => consumer, extra tokens)` calls `consumer!` with
//! the extra tokens and one view of the list:
//!
//! - `functions`: every C function, as `c_name: kind::short_name: type;`
//!   (the queries, the flat `state_log` section of State and Log
//!   functions, the flat `election` section of leader-election ones, and
//!   each driver kind's);
//! - `scheduler calls` (or `executor calls`): `handle: H; free: F;
//!   lifecycle {..} calls {..}`, the kind's driver calls with their
//!   arguments and docs;
//! - `scheduler callbacks`: `table: T; callbacks {..}`.
//!
//! # The list's words
//!
//! Driver-call arguments, as the C function takes them and as the safe
//! method takes them:
//!
//! | kind | C | Rust |
//! | --- | --- | --- |
//! | `message(T)` | `mesos_shim_buf` | `&T` (a protobuf message) |
//! | `messages(T)` | `const mesos_shim_buf *, size_t` | `&[T]` |
//! | `strings` | `const mesos_shim_buf *, size_t` | `&[impl AsRef<str>]` |
//! | `bytes` | `mesos_shim_buf` | `&[u8]` |
//! | `optional(T)` | `const mesos_shim_buf *` (NULL for none) | `Option<&T>` |
//! | `flag` | `int32_t` | `bool` |
//! | `completion(T)` | `mesos_shim_v1_result_callback, void *` | `impl FnOnce(Result<T>) + Send` (called once, with the answer) |
//!
//! Every driver call returns `int32_t` (a status or a shim error). A call
//! marked `fatal` has a libmesos precondition that kills the process, which
//! `mesos`'s `preconditions` module checks first.
//!
//! Callback arguments: `message(T)` (decoded into `T`), `messages(T)` (a
//! `Vec<T>`), `bytes` (a `Vec<u8>`), `int` (an `i32`). Every callback table
//! also ends with libmesos's `error(message)`, which each side handles
//! apart (libmesos aborts the driver after it).

/// The list (see the [module docs](self)).
#[doc(hidden)]
#[macro_export]
macro_rules! shim_boundary {
    ($($select:ident)* => $consumer:path $(, $($extra:tt)*)?) => {
        $crate::shim_boundary! { @select ($($select)*) $consumer; ($($($extra)*)?);
            queries {
                mesos_shim_last_error = unsafe extern "C" fn() -> *const ::std::os::raw::c_char;
                mesos_shim_last_error_code = unsafe extern "C" fn() -> i32;
                mesos_shim_compiled_version = unsafe extern "C" fn() -> *const ::std::os::raw::c_char;
                mesos_shim_loaded_library_path = unsafe extern "C" fn() -> *const ::std::os::raw::c_char;
            }

            // State and Log: objects with operations that answer through a
            // `mesos_shim_future_callback`, not drivers; the `mesos`
            // crate's `state` and `log` modules call them by name.
            state_log {
                mesos_shim_storage_zookeeper_new = unsafe extern "C" fn(
                    mesos_shim_buf, i64, mesos_shim_buf, *const mesos_shim_buf,
                ) -> *mut mesos_shim_storage;
                mesos_shim_storage_leveldb_new =
                    unsafe extern "C" fn(mesos_shim_buf) -> *mut mesos_shim_storage;
                mesos_shim_storage_in_memory_new = unsafe extern "C" fn() -> *mut mesos_shim_storage;
                mesos_shim_storage_log_new =
                    unsafe extern "C" fn(*mut mesos_shim_log, u64) -> *mut mesos_shim_storage;
                mesos_shim_storage_free = unsafe extern "C" fn(*mut mesos_shim_storage);
                mesos_shim_storage_get = unsafe extern "C" fn(
                    *mut mesos_shim_storage, mesos_shim_buf,
                    mesos_shim_future_callback, *mut ::std::os::raw::c_void,
                ) -> i32;
                mesos_shim_storage_set = unsafe extern "C" fn(
                    *mut mesos_shim_storage, mesos_shim_buf, mesos_shim_buf,
                    mesos_shim_future_callback, *mut ::std::os::raw::c_void,
                ) -> i32;
                mesos_shim_storage_expunge = unsafe extern "C" fn(
                    *mut mesos_shim_storage, mesos_shim_buf,
                    mesos_shim_future_callback, *mut ::std::os::raw::c_void,
                ) -> i32;
                mesos_shim_storage_names = unsafe extern "C" fn(
                    *mut mesos_shim_storage,
                    mesos_shim_future_callback, *mut ::std::os::raw::c_void,
                ) -> i32;
                mesos_shim_log_zookeeper_new = unsafe extern "C" fn(
                    i32, mesos_shim_buf, mesos_shim_buf, i64, mesos_shim_buf,
                    *const mesos_shim_buf, i32,
                ) -> *mut mesos_shim_log;
                mesos_shim_log_replicas_new = unsafe extern "C" fn(
                    i32, mesos_shim_buf, *const mesos_shim_buf, usize, i32,
                ) -> *mut mesos_shim_log;
                mesos_shim_log_free = unsafe extern "C" fn(*mut mesos_shim_log);
                mesos_shim_log_reader_new =
                    unsafe extern "C" fn(*mut mesos_shim_log) -> *mut mesos_shim_log_reader;
                mesos_shim_log_reader_free = unsafe extern "C" fn(*mut mesos_shim_log_reader);
                mesos_shim_log_reader_read = unsafe extern "C" fn(
                    *mut mesos_shim_log_reader, u64, u64,
                    mesos_shim_future_callback, *mut ::std::os::raw::c_void,
                ) -> i32;
                mesos_shim_log_reader_beginning = unsafe extern "C" fn(
                    *mut mesos_shim_log_reader,
                    mesos_shim_future_callback, *mut ::std::os::raw::c_void,
                ) -> i32;
                mesos_shim_log_reader_ending = unsafe extern "C" fn(
                    *mut mesos_shim_log_reader,
                    mesos_shim_future_callback, *mut ::std::os::raw::c_void,
                ) -> i32;
                mesos_shim_log_reader_catchup = unsafe extern "C" fn(
                    *mut mesos_shim_log_reader,
                    mesos_shim_future_callback, *mut ::std::os::raw::c_void,
                ) -> i32;
                mesos_shim_log_writer_new =
                    unsafe extern "C" fn(*mut mesos_shim_log) -> *mut mesos_shim_log_writer;
                mesos_shim_log_writer_free = unsafe extern "C" fn(*mut mesos_shim_log_writer);
                mesos_shim_log_writer_start = unsafe extern "C" fn(
                    *mut mesos_shim_log_writer,
                    mesos_shim_future_callback, *mut ::std::os::raw::c_void,
                ) -> i32;
                mesos_shim_log_writer_append = unsafe extern "C" fn(
                    *mut mesos_shim_log_writer, mesos_shim_buf,
                    mesos_shim_future_callback, *mut ::std::os::raw::c_void,
                ) -> i32;
                mesos_shim_log_writer_truncate = unsafe extern "C" fn(
                    *mut mesos_shim_log_writer, u64,
                    mesos_shim_future_callback, *mut ::std::os::raw::c_void,
                ) -> i32;
            }

            // Leader election over ZooKeeper: objects like State's, with
            // operations answering through a `mesos_shim_future_callback`;
            // the `mesos` crate's `election` module calls them by name.
            election {
                mesos_shim_group_new = unsafe extern "C" fn(
                    mesos_shim_buf, i64, mesos_shim_buf, *const mesos_shim_buf,
                ) -> *mut mesos_shim_group;
                mesos_shim_group_free = unsafe extern "C" fn(*mut mesos_shim_group);
                mesos_shim_contender_new = unsafe extern "C" fn(
                    *mut mesos_shim_group, mesos_shim_buf, *const mesos_shim_buf,
                ) -> *mut mesos_shim_contender;
                mesos_shim_contender_free = unsafe extern "C" fn(*mut mesos_shim_contender);
                mesos_shim_contender_contend = unsafe extern "C" fn(
                    *mut mesos_shim_contender,
                    mesos_shim_future_callback, *mut ::std::os::raw::c_void,
                ) -> i32;
                mesos_shim_contender_watch = unsafe extern "C" fn(
                    *mut mesos_shim_contender,
                    mesos_shim_future_callback, *mut ::std::os::raw::c_void,
                ) -> i32;
                mesos_shim_contender_withdraw = unsafe extern "C" fn(
                    *mut mesos_shim_contender,
                    mesos_shim_future_callback, *mut ::std::os::raw::c_void,
                ) -> i32;
                mesos_shim_detector_new =
                    unsafe extern "C" fn(*mut mesos_shim_group) -> *mut mesos_shim_detector;
                mesos_shim_detector_free = unsafe extern "C" fn(*mut mesos_shim_detector);
                mesos_shim_detector_detect = unsafe extern "C" fn(
                    *mut mesos_shim_detector,
                    mesos_shim_future_callback, *mut ::std::os::raw::c_void,
                ) -> i32;
            }

            scheduler {
                handle: mesos_shim_scheduler_driver;
                table: mesos_shim_scheduler_callbacks;
                new: mesos_shim_scheduler_driver_new = unsafe extern "C" fn(
                    *const mesos_shim_scheduler_callbacks,
                    *mut ::std::os::raw::c_void,
                    mesos_shim_buf,
                    *const ::std::os::raw::c_char,
                    *const mesos_shim_buf,
                    i32,
                    *const mesos_shim_buf,
                    usize,
                ) -> *mut mesos_shim_scheduler_driver;
                free: mesos_shim_scheduler_driver_free;
                lifecycle {
                    /// Starts the driver: it connects to the master and
                    /// callbacks begin. Returns the new status, `Running`.
                    start = mesos_shim_scheduler_driver_start();
                    /// Stops the driver. With `failover = false` the framework
                    /// is unregistered and its tasks killed; with `true` it
                    /// stays registered so a new driver with the same
                    /// `FrameworkId` can take over. Returns the resulting
                    /// status (`Stopped`, or `Aborted` if it already was).
                    stop = mesos_shim_scheduler_driver_stop(failover: flag);
                    /// Aborts the driver: no more callbacks, the framework
                    /// stays registered (as with `stop(true)`), and
                    /// `join`/`run` return [`Error::Aborted`](crate::Error::Aborted).
                    abort = mesos_shim_scheduler_driver_abort();
                    /// Blocks until the driver is stopped or aborted.
                    /// `Ok(Stopped)` after a `stop`; the abort's reason as an
                    /// error otherwise (including a panic in a callback).
                    join = mesos_shim_scheduler_driver_join();
                    /// `start` then `join`.
                    run = mesos_shim_scheduler_driver_run();
                }
                calls {
                    /// Asks the allocator for resources (a hint; most
                    /// allocators ignore it).
                    request_resources = mesos_shim_scheduler_driver_request_resources(
                        requests: messages(Request));

                    /// Launches `tasks` on the resources of `offer_ids` (all
                    /// from one agent); unused resources are declined with
                    /// `filters`. An empty task list declines the offers.
                    launch_tasks = mesos_shim_scheduler_driver_launch_tasks(
                        offer_ids: messages(OfferId),
                        tasks: messages(TaskInfo),
                        filters: message(Filters));

                    /// The single-offer form of [`launch_tasks`](Self::launch_tasks)
                    /// (deprecated in Mesos; kept for code ported from it).
                    launch_tasks_on_offer = mesos_shim_scheduler_driver_launch_tasks_on_offer(
                        offer_id: message(OfferId),
                        tasks: messages(TaskInfo),
                        filters: message(Filters));

                    /// Asks Mesos to kill a task; the outcome arrives as a
                    /// status update.
                    kill_task = mesos_shim_scheduler_driver_kill_task(task_id: message(TaskId));

                    /// Accepts offers (all from one agent) and applies
                    /// `operations` to their resources in order: RESERVE,
                    /// UNRESERVE, CREATE, DESTROY, LAUNCH, LAUNCH_GROUP...
                    /// (see [`crate::operations`]). Unused resources are
                    /// declined with `filters`. Operations must not carry an
                    /// `id` (the driver cannot track operation status): that
                    /// is [`Error::InvalidArgument`](crate::Error::InvalidArgument).
                    ///
                    /// ```
                    /// use mesos::proto::{Filters, Offer};
                    /// use mesos::resources::Resources;
                    /// use mesos::{operations, SchedulerDriver};
                    ///
                    /// /// Reserves one cpu of `offer` for `role`, as `principal`.
                    /// fn reserve(driver: &SchedulerDriver, offer: &Offer, role: &str, principal: &str)
                    ///     -> mesos::Result<()>
                    /// {
                    ///     let cpu: Resources = "cpus:1".parse()?;
                    ///     let reserve = operations::reserve(cpu.refine(role, principal)?);
                    ///     driver.accept_offers(std::slice::from_ref(&offer.id), &[reserve], &Filters::default())
                    /// }
                    /// ```
                    accept_offers = mesos_shim_scheduler_driver_accept_offers(
                        offer_ids: messages(OfferId),
                        operations: messages(offer::Operation),
                        filters: message(Filters)) fatal;

                    /// Declines an offer; `filters.refuse_seconds` keeps the
                    /// same resources from being offered again for that long.
                    ///
                    /// ```
                    /// use mesos::proto::{Filters, Offer};
                    /// use mesos::SchedulerDriver;
                    ///
                    /// fn not_now(driver: &SchedulerDriver, offer: &Offer) -> mesos::Result<()> {
                    ///     driver.decline_offer(&offer.id, &Filters { refuse_seconds: Some(30.0) })
                    /// }
                    /// ```
                    decline_offer = mesos_shim_scheduler_driver_decline_offer(
                        offer_id: message(OfferId),
                        filters: message(Filters));

                    /// Removes all filters and unsuppresses every role of the
                    /// framework.
                    revive_offers = mesos_shim_scheduler_driver_revive_offers();

                    /// [`revive_offers`](Self::revive_offers) for some roles only.
                    revive_offers_for_roles = mesos_shim_scheduler_driver_revive_offers_for_roles(
                        roles: strings);

                    /// Stops offers for every role of the framework until
                    /// revived.
                    suppress_offers = mesos_shim_scheduler_driver_suppress_offers();

                    /// [`suppress_offers`](Self::suppress_offers) for some roles only.
                    suppress_offers_for_roles = mesos_shim_scheduler_driver_suppress_offers_for_roles(
                        roles: strings);

                    /// Acknowledges a status update (explicit acknowledgements
                    /// only: on a driver with implicit ones this is
                    /// [`Error::InvalidArgument`](crate::Error::InvalidArgument),
                    /// where libmesos itself would abort the process).
                    acknowledge_status_update = mesos_shim_scheduler_driver_acknowledge_status_update(
                        status: message(TaskStatus)) fatal;

                    /// Sends `data` to an executor (best effort).
                    send_framework_message = mesos_shim_scheduler_driver_send_framework_message(
                        executor_id: message(ExecutorId),
                        slave_id: message(SlaveId),
                        data: bytes);

                    /// Asks for the latest state of tasks; an empty list asks
                    /// for every task Mesos knows of (implicit reconciliation).
                    /// Answers arrive as status updates.
                    ///
                    /// ```
                    /// use mesos::proto::TaskStatus;
                    /// use mesos::SchedulerDriver;
                    ///
                    /// /// After a failover: the state of every task, known or not.
                    /// fn reconcile_everything(driver: &SchedulerDriver) -> mesos::Result<()> {
                    ///     driver.reconcile_tasks(&[] as &[TaskStatus])
                    /// }
                    /// ```
                    reconcile_tasks = mesos_shim_scheduler_driver_reconcile_tasks(
                        statuses: messages(TaskStatus));

                    /// Changes the framework's info (roles, capabilities...),
                    /// its suppressed roles and, on Mesos 1.11 and later, its
                    /// offer constraints. The framework must be registered and
                    /// `framework.id` set. A role listed twice in
                    /// `suppressed_roles` is
                    /// [`Error::InvalidArgument`](crate::Error::InvalidArgument).
                    update_framework = mesos_shim_scheduler_driver_update_framework(
                        framework: message(FrameworkInfo),
                        suppressed_roles: strings,
                        offer_constraints: optional(OfferConstraints)) fatal;
                }
                callbacks {
                    registered(framework_id: message(FrameworkId), master_info: message(MasterInfo));
                    reregistered(master_info: message(MasterInfo));
                    disconnected();
                    resource_offers(offers: messages(Offer));
                    offer_rescinded(offer_id: message(OfferId));
                    status_update(status: message(TaskStatus));
                    framework_message(executor_id: message(ExecutorId), slave_id: message(SlaveId), data: bytes);
                    slave_lost(slave_id: message(SlaveId));
                    executor_lost(executor_id: message(ExecutorId), slave_id: message(SlaveId), status: int);
                }
            }

            executor {
                handle: mesos_shim_executor_driver;
                table: mesos_shim_executor_callbacks;
                new: mesos_shim_executor_driver_new = unsafe extern "C" fn(
                    *const mesos_shim_executor_callbacks,
                    *mut ::std::os::raw::c_void,
                    *const mesos_shim_buf,
                    usize,
                ) -> *mut mesos_shim_executor_driver;
                free: mesos_shim_executor_driver_free;
                lifecycle {
                    /// Connects to the agent; callbacks begin.
                    start = mesos_shim_executor_driver_start();
                    /// Stops the driver; `join`/`run` then return `Ok(Stopped)`.
                    stop = mesos_shim_executor_driver_stop();
                    /// Aborts the driver; no more callbacks.
                    abort = mesos_shim_executor_driver_abort();
                    /// Blocks until the driver is stopped (`Ok`) or aborted
                    /// (the reason).
                    join = mesos_shim_executor_driver_join();
                    /// `start` then `join`.
                    run = mesos_shim_executor_driver_run();
                }
                calls {
                    /// Reports a task's state to the scheduler (reliably: the
                    /// agent retries until the scheduler acknowledges).
                    ///
                    /// ```
                    /// use mesos::proto::{TaskId, TaskState, TaskStatus};
                    /// use mesos::ExecutorDriver;
                    ///
                    /// fn finished(driver: &ExecutorDriver, task_id: TaskId) -> mesos::Result<()> {
                    ///     let mut status = TaskStatus { task_id, ..Default::default() };
                    ///     status.set_state(TaskState::TaskFinished);
                    ///     driver.send_status_update(&status)
                    /// }
                    /// ```
                    send_status_update = mesos_shim_executor_driver_send_status_update(
                        status: message(TaskStatus));

                    /// Sends `data` to the scheduler (best effort).
                    send_framework_message = mesos_shim_executor_driver_send_framework_message(
                        data: bytes);
                }
                callbacks {
                    registered(executor_info: message(ExecutorInfo), framework_info: message(FrameworkInfo), slave_info: message(SlaveInfo));
                    reregistered(slave_info: message(SlaveInfo));
                    disconnected();
                    launch_task(task: message(TaskInfo));
                    kill_task(task_id: message(TaskId));
                    framework_message(data: bytes);
                    shutdown();
                }
            }

            v1_scheduler {
                handle: mesos_shim_v1_scheduler;
                table: mesos_shim_v1_scheduler_callbacks;
                new: mesos_shim_v1_scheduler_new = unsafe extern "C" fn(
                    *const mesos_shim_v1_scheduler_callbacks,
                    *mut ::std::os::raw::c_void,
                    *const ::std::os::raw::c_char,
                    *const mesos_shim_buf,
                ) -> *mut mesos_shim_v1_scheduler;
                free: mesos_shim_v1_scheduler_free;
                lifecycle {
                    /// Connects to the master (libmesos's v1 library is
                    /// made now); `connected`, then the events, follow.
                    start = mesos_shim_v1_scheduler_start();
                    /// Ends event delivery; `join`/`run` then return
                    /// `Ok(Stopped)`. Does not tear the framework down:
                    /// send a `TEARDOWN` call first for that.
                    stop = mesos_shim_v1_scheduler_stop();
                    /// Ends event delivery; `join`/`run` then report the
                    /// abort.
                    abort = mesos_shim_v1_scheduler_abort();
                    /// Blocks until the scheduler is stopped (`Ok`) or
                    /// aborted (the reason).
                    join = mesos_shim_v1_scheduler_join();
                    /// `start` then `join`.
                    run = mesos_shim_v1_scheduler_run();
                }
                calls {
                    /// Sends a call to the master, as it is: libmesos
                    /// drops one it finds invalid (with a log line), and
                    /// answers come as events. The typed calls of
                    /// [`Scheduler`](crate::v1::scheduler) build on it.
                    send = mesos_shim_v1_scheduler_send(call: message(Call));

                    /// Sends a call and hands the master's answer (its HTTP
                    /// status and error, as an `APIResult`) to `done`, on a
                    /// libmesos thread; never waits for it. `done` is called
                    /// exactly once, with the error, also when the call is
                    /// refused (then this returns the same error). A panic
                    /// in `done` is caught and logged.
                    /// [`call`](Self::call) waits for the answer instead.
                    call_with = mesos_shim_v1_scheduler_call(
                        call: message(Call),
                        done: completion(ApiResult));

                    /// Drops the connection and makes a new one:
                    /// `disconnected`, then `connected` again, after which
                    /// the framework must subscribe again.
                    reconnect = mesos_shim_v1_scheduler_reconnect();
                }
                callbacks {
                    connected();
                    disconnected();
                    received(events: messages(Event));
                }
            }

            v1_executor {
                handle: mesos_shim_v1_executor;
                table: mesos_shim_v1_executor_callbacks;
                new: mesos_shim_v1_executor_new = unsafe extern "C" fn(
                    *const mesos_shim_v1_executor_callbacks,
                    *mut ::std::os::raw::c_void,
                    *const mesos_shim_buf,
                    usize,
                ) -> *mut mesos_shim_v1_executor;
                free: mesos_shim_v1_executor_free;
                lifecycle {
                    /// Connects to the agent (libmesos's v1 library is made
                    /// now); `connected`, then the events, follow.
                    start = mesos_shim_v1_executor_start();
                    /// Ends event delivery; `join`/`run` then return
                    /// `Ok(Stopped)`.
                    stop = mesos_shim_v1_executor_stop();
                    /// Ends event delivery; `join`/`run` then report the
                    /// abort.
                    abort = mesos_shim_v1_executor_abort();
                    /// Blocks until the executor is stopped (`Ok`) or
                    /// aborted (the reason).
                    join = mesos_shim_v1_executor_join();
                    /// `start` then `join`.
                    run = mesos_shim_v1_executor_run();
                }
                calls {
                    /// Sends a call to the agent, as it is: libmesos drops
                    /// one it finds invalid (with a log line).
                    send = mesos_shim_v1_executor_send(call: message(Call));
                }
                callbacks {
                    connected();
                    disconnected();
                    received(events: messages(Event));
                }
            }
        }
    };

    // Every C function, flat: `c_name: kind::short_name: type;` (for the
    // tables: ShimApi, the double's).
    (@select (functions) $consumer:path; ($($extra:tt)*);
        queries { $($query:ident = $query_type:ty;)* }
        state_log { $($state_log:ident = $state_log_type:ty;)* }
        election { $($election:ident = $election_type:ty;)* }
        $(
            $kind:ident {
                handle: $handle:ident;
                table: $table:ident;
                new: $new:ident = $new_type:ty;
                free: $free:ident;
                lifecycle {
                    $($(#[$life_doc:meta])* $life:ident = $life_fn:ident($($life_arg:ident: $life_kind:ident),*);)*
                }
                calls {
                    $(
                        $(#[$doc:meta])*
                        $call:ident = $call_fn:ident(
                            $($arg:ident: $arg_kind:ident $(($($arg_type:tt)*))?),* $(,)?
                        ) $($fatal:ident)?;
                    )*
                }
                callbacks $callbacks:tt
            }
        )*
    ) => {
        $consumer! { $($extra)*
            $($query: queries::$query: $query_type;)*
            $($state_log: state_log::$state_log: $state_log_type;)*
            $($election: election::$election: $election_type;)*
            $(
                $new: $kind::new: $new_type;
                $free: $kind::free: unsafe extern "C" fn(*mut $handle);
                $($life_fn: $kind::$life: $crate::shim_fn!(*mut $handle; $($life_kind)*);)*
                $($call_fn: $kind::$call: $crate::shim_fn!(*mut $handle; $($arg_kind)*);)*
            )*
        }
    };
    // One kind's section, then one view of it.
    (@select ($kind:ident $view:ident) $consumer:path; $extra:tt;
        queries $queries:tt state_log $state_log:tt election $election:tt
        $($section:ident $body:tt)*) => {
        $crate::shim_boundary! { @pick $kind $view $consumer; $extra; $($section $body)* }
    };
    // The section named `$kind`: compared one by one, as macro_rules can
    // only match a name it spells out.
    (@pick scheduler $view:ident $consumer:path; $extra:tt; scheduler $body:tt $($rest:tt)*) => {
        $crate::shim_boundary! { @view $view $consumer; $extra; $body }
    };
    (@pick executor $view:ident $consumer:path; $extra:tt; executor $body:tt $($rest:tt)*) => {
        $crate::shim_boundary! { @view $view $consumer; $extra; $body }
    };
    (@pick v1_scheduler $view:ident $consumer:path; $extra:tt; v1_scheduler $body:tt $($rest:tt)*) => {
        $crate::shim_boundary! { @view $view $consumer; $extra; $body }
    };
    (@pick v1_executor $view:ident $consumer:path; $extra:tt; v1_executor $body:tt $($rest:tt)*) => {
        $crate::shim_boundary! { @view $view $consumer; $extra; $body }
    };
    (@pick $kind:ident $view:ident $consumer:path; $extra:tt; $other:ident $body:tt $($rest:tt)*) => {
        $crate::shim_boundary! { @pick $kind $view $consumer; $extra; $($rest)* }
    };
    // The driver calls: `handle: H; free: F; lifecycle {..} calls {..}`.
    (@view calls $consumer:path; ($($extra:tt)*); {
        handle: $handle:ident; table: $table:ident; new: $new:ident = $new_type:ty;
        free: $free:ident; lifecycle $lifecycle:tt calls $calls:tt callbacks $callbacks:tt
    }) => {
        $consumer! { $($extra)* handle: $handle; free: $free; lifecycle $lifecycle calls $calls }
    };
    // The callbacks: `table: T; callbacks {..}`.
    (@view callbacks $consumer:path; ($($extra:tt)*); {
        handle: $handle:ident; table: $table:ident; new: $new:ident = $new_type:ty;
        free: $free:ident; lifecycle $lifecycle:tt calls $calls:tt callbacks $callbacks:tt
    }) => {
        $consumer! { $($extra)* table: $table; callbacks $callbacks }
    };
}

/// The C function-pointer type of a driver call taking `$handle` then the
/// C parameters of each argument kind (see the [module docs](self)).
#[doc(hidden)]
#[macro_export]
macro_rules! shim_fn {
    ($handle:ty; $($kind:ident)*) => { $crate::shim_fn!(@ [$handle,] $($kind)*) };
    (@ [$($c:ty,)*] message $($rest:ident)*) => {
        $crate::shim_fn!(@ [$($c,)* $crate::mesos_shim_buf,] $($rest)*)
    };
    (@ [$($c:ty,)*] bytes $($rest:ident)*) => {
        $crate::shim_fn!(@ [$($c,)* $crate::mesos_shim_buf,] $($rest)*)
    };
    (@ [$($c:ty,)*] messages $($rest:ident)*) => {
        $crate::shim_fn!(@ [$($c,)* *const $crate::mesos_shim_buf, usize,] $($rest)*)
    };
    (@ [$($c:ty,)*] strings $($rest:ident)*) => {
        $crate::shim_fn!(@ [$($c,)* *const $crate::mesos_shim_buf, usize,] $($rest)*)
    };
    (@ [$($c:ty,)*] optional $($rest:ident)*) => {
        $crate::shim_fn!(@ [$($c,)* *const $crate::mesos_shim_buf,] $($rest)*)
    };
    (@ [$($c:ty,)*] flag $($rest:ident)*) => {
        $crate::shim_fn!(@ [$($c,)* i32,] $($rest)*)
    };
    (@ [$($c:ty,)*] completion $($rest:ident)*) => {
        $crate::shim_fn!(@ [$($c,)* $crate::mesos_shim_v1_result_callback, *mut ::std::os::raw::c_void,] $($rest)*)
    };
    (@ [$($c:ty,)*]) => { unsafe extern "C" fn($($c),*) -> i32 };
}
