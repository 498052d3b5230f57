//! `cargo bench -p iotda-kit-e2e --bench report`: joins the parts the other
//! benches recorded (`target/bench/parts/*.json`) into one table with the
//! machine it ran on, writes it as `target/bench/bench.json` and
//! `target/bench/bench.md`, and prints it. Fails only if there is nothing
//! to report.

use std::process::{Command, ExitCode};

use iotda_kit_e2e::bench::{bench_dir, markdown, recorded};

/// The first line of a command's output, if it runs.
fn first_line(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).output().ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines().next().map(|l| l.trim().to_owned())
}

/// Where this ran: date, CPU, cores, memory, browser.
fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .and_then(|l| l.split(':').nth(1))
        .map_or_else(|| "unknown CPU".to_owned(), |m| m.trim().to_owned());
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let memory_gb = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|kb| kb.parse::<u64>().ok())
        .map_or(0, |kb| (kb + 512 * 1024) / (1024 * 1024));
    let date = first_line("date", &["-u", "+%Y-%m-%d %H:%M UTC"]).unwrap_or_default();
    let browser = first_line("chromium", &["--version"]).unwrap_or_else(|| "no Chromium".into());
    format!("Measured {date} on {cores} vCPUs of an {cpu}, {memory_gb} GB, {browser}.")
}

fn main() -> ExitCode {
    let rows = match recorded() {
        Ok(rows) if !rows.is_empty() => rows,
        Ok(_) => {
            eprintln!(
                "nothing recorded in {}/parts: run the benches first",
                bench_dir().display()
            );
            return ExitCode::FAILURE;
        }
        Err(e) => {
            eprintln!("cannot read {}/parts: {e}", bench_dir().display());
            return ExitCode::FAILURE;
        }
    };
    let machine = machine();
    let md = markdown(&rows, &machine);
    let json = serde_json::json!({ "machine": machine, "rows": rows });
    let written = serde_json::to_string_pretty(&json)
        .map_err(std::io::Error::other)
        .and_then(|json| std::fs::write(bench_dir().join("bench.json"), json))
        .and_then(|()| std::fs::write(bench_dir().join("bench.md"), &md));
    if let Err(e) = written {
        eprintln!("cannot write {}: {e}", bench_dir().display());
        return ExitCode::FAILURE;
    }
    println!("{md}");
    println!(
        "(also in {}/bench.json and bench.md)",
        bench_dir().display()
    );
    ExitCode::SUCCESS
}
