//! P3, natively: the engine's cost per Flex task snapshot (6 legs), from the task's JSON text —
//! what the wasm boundary hands over — through parsing, `handle_snapshot` and draining the
//! commands, alternating two tasks that differ in one leg's `muted`.

use criterion::{criterion_group, criterion_main, Criterion};
use flex_conference::core::{Conference, Config, TaskSnapshot};
use flex_conference_bench::task;
use serde_json::json;

fn snapshot(c: &mut Criterion) {
    let config = Config::from_json(&json!({
        "enabled": true,
        "default_caller_id": "+15005550006",
        "extensions": true,
    }))
    .expect("a valid configuration");
    let texts = [task(6, false).to_string(), task(6, true).to_string()];
    let mut engine = Conference::new(config, 0);
    let mut now = 0u64;
    let mut step = |i: usize| {
        now += 10;
        let value: serde_json::Value = serde_json::from_str(&texts[i % 2]).expect("JSON");
        let snap = TaskSnapshot::from_json(&value).expect("a valid task");
        engine.handle_snapshot(snap, now).expect("accepted");
        while engine.poll_command().is_some() {}
    };
    for i in 0..200 {
        step(i);
    }
    let mut i = 0;
    c.bench_function("p3_snapshot_6_legs", |b| {
        b.iter(|| {
            i += 1;
            step(i);
        })
    });
}

criterion_group!(benches, snapshot);
criterion_main!(benches);
