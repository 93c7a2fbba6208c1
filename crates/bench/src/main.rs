//! `cargo run --release -p questkit-bench`: client CPU time, allocations and bytes per call of
//! questkit against a hand-written reqwest + serde client, on a loopback server in another
//! process. Prints one table.
//!
//! ```text
//! questkit-bench [--rounds R] [--calls N] [--cases a,b,..] [--mix a,b,..] [--quick] [--no-pin]
//! questkit-bench calls --side questkit|hand --case CASE[,CASE..] --n N [--concurrency C] [--tracing]
//! questkit-bench decodes --side questkit|hand --case CASE --n N
//! questkit-bench serve
//! ```
//!
//! The default mode runs, for every case, concurrency (1 and 64) and tracing setting (no
//! subscriber, an INFO `fmt` subscriber writing to a sink), `R` rounds (default 20) in which
//! each side makes `N` calls (default 1000 at c=1, 2000 at c=64), alternating which side
//! goes first. A round's cost is the process's CPU time (getrusage: user + system, all
//! threads) over its calls, divided by `N`; allocations and bytes come from a counting global
//! allocator. The table gives each side's median and quartiles, the median of the per-round
//! ratios and of the per-round differences.
//!
//! `--mix a,b,c` adds a row whose calls take turns over those cases, as an application calling
//! several endpoints does: each call's code then competes with the others' for the CPU's
//! caches. `calls --case a,b,c` measures such a mix under callgrind.
//!
//! `calls` makes `N` calls of one kind inside `measured_calls`, for callgrind
//! (`scripts/bench-instructions`); `decodes` decodes the case's body `N` times inside
//! `measured_decodes`, no HTTP (`scripts/bench-instructions --decode`); `serve` is the server
//! process the other modes start.

use std::hint::black_box;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use questkit_bench::cases::Case;
use questkit_bench::clients::{BoxError, Clients, Side};
use questkit_bench::measure::{self, CountingAlloc, Summary, summarize};
use questkit_bench::server::{self, ServerProcess};
use tokio::runtime::Runtime;

#[global_allocator]
static ALLOC: CountingAlloc = CountingAlloc;

/// Printed by the attribution build (`--cfg questkit_bare`, see `scripts/bench --bare`).
const BARE_NOTE: &str = "attribution build (--cfg questkit_bare): questkit without its request-path \
     safety machinery (no retries, deadline, limiter, redirect checks, body limit, spans); \
     not what questkit ships";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("serve") => server::run_process().map_err(BoxError::from),
        Some("calls") => calls_mode(&args[1..]),
        Some("decodes") => decodes_mode(&args[1..]),
        _ => table_mode(&args),
    };
    if let Err(err) = result {
        eprintln!("questkit-bench: {err}");
        std::process::exit(1);
    }
}

/// The value following `--name`, if given.
fn flag<'a>(args: &'a [String], name: &str) -> Option<&'a str> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(String::as_str)
}

fn number(args: &[String], name: &str, default: usize) -> Result<usize, BoxError> {
    match flag(args, name) {
        Some(v) => Ok(v
            .parse()
            .map_err(|_| format!("{name}: not a number: {v}"))?),
        None => Ok(default),
    }
}

fn runtime() -> Result<Runtime, BoxError> {
    Ok(tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?)
}

/// The INFO `fmt` subscriber of the tracing rows, writing to a sink.
fn fmt_subscriber() -> impl tracing::Subscriber + Send + Sync {
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::INFO)
        .with_writer(std::io::sink)
        .finish()
}

/// What a row measures: one case, or a mix whose calls take turns over several.
#[derive(Clone)]
struct Work(Arc<[Case]>);

impl Work {
    /// From `a,b,c`: a mix when it names more than one case.
    fn parse(list: &str) -> Result<Work, BoxError> {
        let cases = list
            .split(',')
            .map(|id| Case::from_id(id).ok_or_else(|| format!("unknown case {id}")))
            .collect::<Result<Vec<_>, _>>()?;
        if cases.is_empty() {
            return Err("no case given".into());
        }
        Ok(Work(cases.into()))
    }

    fn one(case: Case) -> Work {
        Work(Arc::new([case]))
    }

    /// The case of call number `i`.
    fn pick(&self, i: usize) -> Case {
        self.0[i % self.0.len()]
    }

    fn id(&self) -> String {
        self.0.iter().map(|c| c.id()).collect::<Vec<_>>().join(",")
    }

    fn label(&self) -> String {
        match &*self.0 {
            [case] => case.label().to_owned(),
            cases => format!(
                "mix: {}",
                cases
                    .iter()
                    .map(|c| c.label())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
}

/// `calls` calls of `work` by `side`, `concurrency` at a time, on the current runtime.
async fn run_calls(
    clients: Arc<Clients>,
    side: Side,
    work: Work,
    calls: usize,
    concurrency: usize,
) -> Result<(), BoxError> {
    if concurrency <= 1 {
        for i in 0..calls {
            black_box(clients.call(side, work.pick(i)).await?);
        }
        return Ok(());
    }
    let next = Arc::new(AtomicUsize::new(0));
    let workers: Vec<_> = (0..concurrency)
        .map(|_| {
            let clients = clients.clone();
            let next = next.clone();
            let work = work.clone();
            tokio::spawn(async move {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= calls {
                        break;
                    }
                    black_box(clients.call(side, work.pick(i)).await?);
                }
                Ok::<(), BoxError>(())
            })
        })
        .collect();
    for worker in workers {
        worker.await??;
    }
    Ok(())
}

/// The calls callgrind measures (`--toggle-collect=*measured_calls*`).
#[inline(never)]
fn measured_calls(
    rt: &Runtime,
    clients: &Arc<Clients>,
    side: Side,
    work: &Work,
    calls: usize,
    concurrency: usize,
) -> Result<(), BoxError> {
    block_on_calls(rt, clients, side, work, calls, concurrency)
}

/// [`run_calls`] to the end on `rt`.
fn block_on_calls(
    rt: &Runtime,
    clients: &Arc<Clients>,
    side: Side,
    work: &Work,
    calls: usize,
    concurrency: usize,
) -> Result<(), BoxError> {
    rt.block_on(run_calls(
        clients.clone(),
        side,
        work.clone(),
        calls,
        concurrency,
    ))
}

/// The `--side` and `--case` of the `calls` and `decodes` modes.
fn side_and_case(args: &[String]) -> Result<(Side, Case), BoxError> {
    let side = flag(args, "--side")
        .and_then(Side::from_id)
        .ok_or("--side questkit|hand is required")?;
    let case = flag(args, "--case")
        .and_then(Case::from_id)
        .ok_or("--case is required (trophy-metric, trophy-achievements, ...)")?;
    Ok((side, case))
}

/// The decodes callgrind measures (`--toggle-collect=*measured_decodes*`).
#[inline(never)]
fn measured_decodes(
    decode: &dyn Fn(&questkit_core::RawResponse) -> Result<usize, BoxError>,
    raw: &questkit_core::RawResponse,
    n: usize,
) -> Result<(), BoxError> {
    for _ in 0..n {
        black_box(decode(black_box(raw))?);
    }
    Ok(())
}

/// `N` decodes of one case's body by one side, for instruction counts of decoding alone.
fn decodes_mode(args: &[String]) -> Result<(), BoxError> {
    let (side, case) = side_and_case(args)?;
    let n = number(args, "--n", 1000)?;
    // No request is sent: the clients only build the call values whose decoders run.
    let clients = Clients::new(std::net::SocketAddr::from(([127, 0, 0, 1], 9)))?;
    let raw = questkit_bench::clients::response(case);
    let decode: questkit_bench::clients::QuestkitDecode = match side {
        Side::Questkit => clients.questkit_decoder(case),
        Side::Hand | Side::Control => {
            Box::new(move |raw| questkit_bench::clients::hand_decode(case, &raw.body))
        }
    };
    // Warm up: lazy statics set, the allocator's free lists filled.
    for _ in 0..20 {
        black_box(decode(&raw)?);
    }
    measured_decodes(&*decode, &raw, n)?;
    println!("{} {} decodes of {}", n, side.id(), case.id());
    Ok(())
}

fn calls_mode(args: &[String]) -> Result<(), BoxError> {
    let side = flag(args, "--side")
        .and_then(Side::from_id)
        .ok_or("--side questkit|hand is required")?;
    let work = Work::parse(
        flag(args, "--case")
            .ok_or("--case is required (trophy-metric, trophy-achievements, ...)")?,
    )?;
    let n = number(args, "--n", 1000)?;
    let concurrency = number(args, "--concurrency", 1)?;
    let exe = std::env::current_exe()?;
    let server = ServerProcess::spawn(&exe, false)?;
    let rt = runtime()?;
    let clients = Arc::new(Clients::new(server.addr)?);
    let _guard = args
        .iter()
        .any(|a| a == "--tracing")
        .then(|| tracing::subscriber::set_default(fmt_subscriber()));
    // Warm up: connections open, lazy statics set, buffers grown.
    block_on_calls(
        &rt,
        &clients,
        side,
        &work,
        20.max(concurrency * 2),
        concurrency,
    )?;
    measured_calls(&rt, &clients, side, &work, n, concurrency)?;
    if cfg!(questkit_bare) {
        println!("{BARE_NOTE}");
    }
    println!("{} {} calls of {}", n, side.id(), work.id());
    Ok(())
}

/// One side's cost per call over one round.
#[derive(Clone, Copy, Debug)]
struct Sample {
    cpu_us: f64,
    allocs: f64,
    bytes: f64,
}

fn round(
    rt: &Runtime,
    clients: &Arc<Clients>,
    side: Side,
    work: &Work,
    calls: usize,
    concurrency: usize,
) -> Result<Sample, BoxError> {
    let (allocs, bytes) = measure::allocations();
    let cpu = measure::process_cpu_time();
    block_on_calls(rt, clients, side, work, calls, concurrency)?;
    let cpu = measure::process_cpu_time().saturating_sub(cpu);
    let (allocs_after, bytes_after) = measure::allocations();
    let n = calls as f64;
    Ok(Sample {
        cpu_us: cpu.as_secs_f64() * 1e6 / n,
        allocs: (allocs_after - allocs) as f64 / n,
        bytes: (bytes_after - bytes) as f64 / n,
    })
}

/// One row of the table.
struct Row {
    work: Work,
    concurrency: usize,
    tracing: bool,
    /// A control row: hand-written against a second hand-written client.
    control: bool,
    hand: Summary,
    questkit: Summary,
    ratio: Summary,
    diff: Summary,
    hand_allocs: f64,
    questkit_allocs: f64,
    hand_bytes: f64,
    questkit_bytes: f64,
}

#[allow(clippy::too_many_arguments)]
fn row(
    rt: &Runtime,
    clients: &Arc<Clients>,
    work: &Work,
    concurrency: usize,
    tracing: bool,
    rounds: usize,
    calls: usize,
    other: Side,
) -> Result<Row, BoxError> {
    let _guard = tracing.then(|| tracing::subscriber::set_default(fmt_subscriber()));
    for side in [Side::Hand, other] {
        block_on_calls(
            rt,
            clients,
            side,
            work,
            (concurrency * 4).max(50),
            concurrency,
        )?;
    }
    let mut hand = Vec::with_capacity(rounds);
    let mut questkit = Vec::with_capacity(rounds);
    for r in 0..rounds {
        // Alternate which side goes first, so that drift hits both alike.
        let order = if r % 2 == 0 {
            [Side::Hand, other]
        } else {
            [other, Side::Hand]
        };
        for side in order {
            let sample = round(rt, clients, side, work, calls, concurrency)?;
            match side {
                Side::Hand => hand.push(sample),
                _ => questkit.push(sample),
            }
        }
    }
    let cpu = |s: &[Sample]| s.iter().map(|x| x.cpu_us).collect::<Vec<_>>();
    let ratios: Vec<f64> = hand
        .iter()
        .zip(&questkit)
        .map(|(h, q)| q.cpu_us / h.cpu_us)
        .collect();
    let diffs: Vec<f64> = hand
        .iter()
        .zip(&questkit)
        .map(|(h, q)| q.cpu_us - h.cpu_us)
        .collect();
    let median_of = |s: &[Sample], f: fn(&Sample) -> f64| {
        summarize(&s.iter().map(f).collect::<Vec<_>>()).median
    };
    Ok(Row {
        work: work.clone(),
        concurrency,
        tracing,
        control: other == Side::Control,
        hand: summarize(&cpu(&hand)),
        questkit: summarize(&cpu(&questkit)),
        ratio: summarize(&ratios),
        diff: summarize(&diffs),
        hand_allocs: median_of(&hand, |s| s.allocs),
        questkit_allocs: median_of(&questkit, |s| s.allocs),
        hand_bytes: median_of(&hand, |s| s.bytes),
        questkit_bytes: median_of(&questkit, |s| s.bytes),
    })
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".to_owned())
}

fn table_mode(args: &[String]) -> Result<(), BoxError> {
    let quick = args.iter().any(|a| a == "--quick");
    let rounds = number(args, "--rounds", if quick { 5 } else { 20 })?;
    let calls_override = flag(args, "--calls")
        .map(|v| v.parse::<usize>().map_err(|_| format!("--calls: {v}")))
        .transpose()?;
    let mut works: Vec<Work> = match flag(args, "--cases") {
        Some(list) => Work::parse(list)?.0.iter().map(|&c| Work::one(c)).collect(),
        None => Case::ALL.into_iter().map(Work::one).collect(),
    };
    if let Some(list) = flag(args, "--mix") {
        works.push(Work::parse(list)?);
    }
    let pin = !args.iter().any(|a| a == "--no-pin");
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    // The server first: once this process is pinned it sees only one core.
    let exe = std::env::current_exe()?;
    let server = ServerProcess::spawn(&exe, pin)?;
    let client_pinned = pin && server.pinned && server::pin_self_to_core_1();
    let rt = runtime()?;
    let clients = Arc::new(Clients::new(server.addr)?);
    let calls_for = |concurrency: usize| {
        calls_override.unwrap_or(match (quick, concurrency) {
            (true, _) => 200,
            (false, 1) => 1000,
            (false, _) => 2000,
        })
    };

    // Rows without a subscriber first: once a subscriber has been set, tracing's callsites
    // stay registered and every later row would pay for the check.
    let subscribers: &[bool] = match flag(args, "--subscriber") {
        None | Some("both") => &[false, true],
        Some("none") => &[false],
        Some("info") => &[true],
        Some(other) => return Err(format!("--subscriber: none, info or both, not {other}").into()),
    };
    let concurrencies: Vec<usize> = match flag(args, "--concurrency") {
        Some(list) => list
            .split(',')
            .map(|c| {
                c.parse()
                    .map_err(|_| format!("--concurrency: not a number: {c}"))
            })
            .collect::<Result<_, _>>()?,
        None => vec![1, 64],
    };
    // --control adds, per row, hand-written against a second hand-written client.
    let others: &[Side] = if args.iter().any(|a| a == "--control") {
        &[Side::Questkit, Side::Control]
    } else {
        &[Side::Questkit]
    };
    let mut rows = Vec::new();
    for &tracing in subscribers {
        for (order, work) in works.iter().enumerate() {
            for &concurrency in &concurrencies {
                let calls = calls_for(concurrency);
                for other in others {
                    eprintln!(
                        "measuring {} c={concurrency} tracing={} {} ({rounds} rounds of {calls} calls per side)",
                        work.id(),
                        if tracing { "info-fmt" } else { "none" },
                        other.id(),
                    );
                    rows.push((
                        order,
                        row(
                            &rt,
                            &clients,
                            work,
                            concurrency,
                            tracing,
                            rounds,
                            calls,
                            *other,
                        )?,
                    ));
                }
            }
        }
    }
    rows.sort_by_key(|(order, r)| (*order, r.tracing, r.concurrency, r.control));

    println!(
        "questkit-bench: client CPU per call (getrusage of the client process), {} · {} cores · \
         server {} · client {} · {rounds} alternating rounds of {} (c=1) / {} (c=64) calls per side",
        cpu_model(),
        cores,
        if server.pinned {
            "pinned to core 0"
        } else {
            "not pinned"
        },
        if client_pinned {
            "pinned to core 1"
        } else {
            "not pinned"
        },
        calls_for(1),
        calls_for(64),
    );
    println!("medians [quartiles]; ratio and difference are medians of the per-round pairs\n");
    if cfg!(questkit_bare) {
        println!("{BARE_NOTE}\n");
    }
    println!(
        "| call | c | tracing | hand-written µs/call | questkit µs/call | ratio | difference µs | allocs/call hand / questkit | bytes/call hand / questkit |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for (_, r) in &rows {
        println!(
            "| {} | {} | {} | {:.1} [{:.1}–{:.1}] | {:.1} [{:.1}–{:.1}] | {:.3}x [{:.3}–{:.3}] | {:+.2} | {:.1} / {:.1} | {:.0} / {:.0} |",
            if r.control {
                format!("{} (control: hand-written again)", r.work.label())
            } else {
                r.work.label()
            },
            r.concurrency,
            if r.tracing { "INFO fmt" } else { "none" },
            r.hand.median,
            r.hand.p25,
            r.hand.p75,
            r.questkit.median,
            r.questkit.p25,
            r.questkit.p75,
            r.ratio.median,
            r.ratio.p25,
            r.ratio.p75,
            r.diff.median,
            r.hand_allocs,
            r.questkit_allocs,
            r.hand_bytes,
            r.questkit_bytes,
        );
    }
    Ok(())
}
