//! Captures protobuf bytes exactly as libmesos serializes them, for the
//! round-trip tests in `tests/schema/bytes.rs`.
//!
//! Talks to the shim directly through `mesos-native-sys` (not through the safe
//! crate, which decodes before user code sees anything), registers a
//! MULTI_ROLE framework in `tenant1/private/test-framework`, and writes the
//! FrameworkID, MasterInfo, the first offers (carrying reservation stacks
//! and allocation info on a cluster prepared with `reserve_cluster`) and
//! the TaskStatus the master sends when asked to reconcile an unknown task.
//!
//! ```text
//! cargo run -p mesos-tools --bin capture_test_data -- MASTER OUT_DIR
//! ```

use std::ffi::CString;
use std::os::raw::c_void;
use std::path::PathBuf;
use std::sync::mpsc::{self, Sender};
use std::time::Duration;

use mesos_native::proto::framework_info::capability::Type as Capability;
use mesos_native::proto::framework_info::Capability as CapabilityInfo;
use mesos_native::proto::{FrameworkInfo, Offer, SlaveId, TaskId, TaskState, TaskStatus};
use mesos_native_sys::{mesos_shim_buf, mesos_shim_scheduler_callbacks};
use prost::Message;

/// (file name, bytes) sent from the callbacks to main.
type Capture = Sender<(String, Vec<u8>)>;

unsafe fn bytes(buf: &mesos_shim_buf) -> Vec<u8> {
    if buf.len == 0 {
        Vec::new()
    } else {
        // SAFETY: the shim passes `len` readable bytes valid for the callback.
        unsafe { std::slice::from_raw_parts(buf.data, buf.len) }.to_vec()
    }
}

unsafe fn capture(user_data: *mut c_void) -> &'static Capture {
    // SAFETY: main passes a pointer to a Capture that outlives the driver.
    unsafe { &*(user_data as *const Capture) }
}

unsafe extern "C" fn registered(
    user_data: *mut c_void,
    framework_id: mesos_shim_buf,
    master_info: mesos_shim_buf,
) {
    // SAFETY: called by the shim with our user data and valid buffers.
    unsafe {
        let _ = capture(user_data).send(("framework_id.bin".into(), bytes(&framework_id)));
        let _ = capture(user_data).send(("master_info.bin".into(), bytes(&master_info)));
    }
}

unsafe extern "C" fn resource_offers(
    user_data: *mut c_void,
    offers: *const mesos_shim_buf,
    len: usize,
) {
    // SAFETY: called by the shim with our user data and `len` valid buffers.
    unsafe {
        for (i, offer) in std::slice::from_raw_parts(offers, len).iter().enumerate() {
            let _ = capture(user_data).send((format!("offer_{i}.bin"), bytes(offer)));
        }
    }
}

unsafe extern "C" fn status_update(user_data: *mut c_void, status: mesos_shim_buf) {
    // SAFETY: called by the shim with our user data and a valid buffer.
    unsafe {
        let _ = capture(user_data).send(("task_status.bin".into(), bytes(&status)));
    }
}

unsafe extern "C" fn ignore_0(_: *mut c_void) {}
unsafe extern "C" fn ignore_1(_: *mut c_void, _: mesos_shim_buf) {}
unsafe extern "C" fn ignore_3(
    _: *mut c_void,
    _: mesos_shim_buf,
    _: mesos_shim_buf,
    _: mesos_shim_buf,
) {
}
unsafe extern "C" fn ignore_lost(_: *mut c_void, _: mesos_shim_buf, _: mesos_shim_buf, _: i32) {}

/// Records libmesos's own protobuf bytes (framework id, master info, the
/// first offers, a reconciliation status) into OUT_DIR, for the
/// round-trip tests in tests/schema/bytes.rs. Run it against a
/// cluster prepared with `reserve_cluster`.
#[derive(clap::Parser)]
struct Args {
    /// The master, HOST:PORT.
    master: String,
    /// Where the captured files go (created if missing).
    out_dir: PathBuf,
}

fn main() {
    let Args {
        master,
        out_dir: out,
    } = clap::Parser::parse();
    let api = mesos_native_sys::native().unwrap_or_else(|| {
        eprintln!(
            "capture_test_data: {}",
            mesos_native_sys::NATIVE_UNAVAILABLE_REASON
        );
        std::process::exit(2);
    });
    std::fs::create_dir_all(&out).expect("create the output directory");

    let framework = FrameworkInfo {
        name: "capture test data".into(),
        roles: vec!["tenant1/private/test-framework".into()],
        capabilities: [Capability::MultiRole, Capability::ReservationRefinement]
            .into_iter()
            .map(|kind| CapabilityInfo {
                r#type: Some(kind as i32),
            })
            .collect(),
        ..Default::default()
    }
    .encode_to_vec();
    let callbacks = mesos_shim_scheduler_callbacks {
        registered: Some(registered),
        reregistered: Some(ignore_1),
        disconnected: Some(ignore_0),
        resource_offers: Some(resource_offers),
        offer_rescinded: Some(ignore_1),
        status_update: Some(status_update),
        framework_message: Some(ignore_3),
        slave_lost: Some(ignore_1),
        executor_lost: Some(ignore_lost),
        error: Some(ignore_1),
    };
    let (sender, received) = mpsc::channel::<(String, Vec<u8>)>();
    let user_data = &sender as *const Capture as *mut c_void;
    let master_c = CString::new(master.as_str()).expect("master has no NUL");
    let framework_buf = mesos_shim_buf {
        data: framework.as_ptr(),
        len: framework.len(),
    };
    // SAFETY: all pointers are valid for the call; `sender` outlives the
    // driver, which is freed below before main returns.
    let driver = unsafe {
        (api.mesos_shim_scheduler_driver_new)(
            &callbacks,
            user_data,
            framework_buf,
            master_c.as_ptr(),
            std::ptr::null(),
            1,
            std::ptr::null(),
            0,
        )
    };
    assert!(!driver.is_null(), "driver creation failed");
    // SAFETY: `driver` is live until freed below.
    unsafe { (api.mesos_shim_scheduler_driver_start)(driver) };

    let mut offer_agent: Option<SlaveId> = None;
    let mut have_status = false;
    while !(offer_agent.is_some() && have_status) {
        let (name, data) = received
            .recv_timeout(Duration::from_secs(60))
            .expect("nothing from Mesos in 60 s");
        println!("captured {name} ({} bytes)", data.len());
        std::fs::write(out.join(&name), &data).expect("write capture");
        if name.starts_with("offer_") && offer_agent.is_none() {
            let offer = Offer::decode(&data[..]).expect("offer decodes");
            offer_agent = Some(offer.slave_id.clone());
            // Ask about a task that doesn't exist: the master answers with
            // a TaskStatus of its own making.
            let mut probe = TaskStatus {
                task_id: TaskId {
                    value: "no-such-task".into(),
                },
                slave_id: Some(offer.slave_id),
                ..Default::default()
            };
            probe.set_state(TaskState::TaskRunning);
            let probe = probe.encode_to_vec();
            let probe_buf = mesos_shim_buf {
                data: probe.as_ptr(),
                len: probe.len(),
            };
            // SAFETY: live driver, buffer valid for the call.
            unsafe { (api.mesos_shim_scheduler_driver_reconcile_tasks)(driver, &probe_buf, 1) };
        }
        if name == "task_status.bin" {
            have_status = true;
        }
    }
    // SAFETY: live driver; freed exactly once, after which no callback runs.
    unsafe {
        (api.mesos_shim_scheduler_driver_stop)(driver, 0);
        (api.mesos_shim_scheduler_driver_free)(driver);
    }
}
