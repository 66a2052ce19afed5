//! The Rust side of each kind of driver in the list: where its code lives
//! and what its types are called in each crate. A new kind of driver needs
//! a section in the list and a row here.

pub struct Wiring {
    /// The section's name in the list.
    pub list: &'static str,
    /// The safe crate's module (`crate::<module>`), and its directory.
    pub module: &'static str,
    pub dir: &'static str,
    /// The handle type every call goes through, in that module.
    pub driver: &'static str,
    /// The user's trait, in that module.
    pub user_trait: &'static str,
    /// How a callback is named in errors and logs: `<label>::<callback>`.
    pub label: &'static str,
    /// The stream's event type (`crate::stream`).
    pub event: &'static str,
    /// The test double's type, in its module named as the list's section.
    pub double: &'static str,
    /// The testing kit's typed call, and its harness (a path in the kit).
    pub kit_call: &'static str,
    pub kit_harness: &'static str,
}

pub const KINDS: &[Wiring] = &[
    Wiring {
        list: "scheduler",
        module: "scheduler",
        dir: "src/scheduler",
        driver: "SchedulerDriver",
        user_trait: "Scheduler",
        label: "Scheduler",
        event: "SchedulerEvent",
        double: "SchedulerDouble",
        kit_call: "SchedulerCall",
        kit_harness: "SchedulerHarness",
    },
    Wiring {
        list: "executor",
        module: "executor",
        dir: "src/executor",
        driver: "ExecutorDriver",
        user_trait: "Executor",
        label: "Executor",
        event: "ExecutorEvent",
        double: "ExecutorDouble",
        kit_call: "ExecutorCall",
        kit_harness: "ExecutorHarness",
    },
    Wiring {
        list: "v1_scheduler",
        module: "v1::scheduler",
        dir: "src/v1/scheduler",
        driver: "Connection",
        user_trait: "Scheduler",
        label: "v1::Scheduler",
        event: "V1SchedulerEvent",
        double: "V1SchedulerDouble",
        kit_call: "V1SchedulerCall",
        kit_harness: "v1::V1SchedulerHarness",
    },
    Wiring {
        list: "v1_executor",
        module: "v1::executor",
        dir: "src/v1/executor",
        driver: "Connection",
        user_trait: "Executor",
        label: "v1::Executor",
        event: "V1ExecutorEvent",
        double: "V1ExecutorDouble",
        kit_call: "V1ExecutorCall",
        kit_harness: "v1::V1ExecutorHarness",
    },
];

/// The wiring of the list's section `name`.
pub fn wiring(name: &str) -> Result<&'static Wiring, String> {
    KINDS.iter().find(|kind| kind.list == name).ok_or_else(|| {
        format!(
            "driver `{name}` of the list has no row in xtask/src/kinds.rs: add one (where its \
             Rust code lives and what its types are called)"
        )
    })
}

/// `snake_case` to `CamelCase`.
pub fn camel(name: &str) -> String {
    name.split('_')
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect()
}

/// The last segment of a type path, as errors name the type.
pub fn short(path: &str) -> &str {
    path.rsplit("::").next().unwrap_or(path)
}
