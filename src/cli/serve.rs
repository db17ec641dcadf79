//! `needsmap serve`: the documents on loopback, rebuilt as you edit (see
//! [`crate::serve`]).

use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;

use super::{AssessmentArg, CliError, CliResult, EXIT_OK};
use crate::serve::http::{Hosts, serve};
use crate::serve::{Outcome, Preview, Settings, Watcher};

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub file: AssessmentArg,
    /// The port to serve on (0: any free port).
    #[arg(short, long, default_value_t = 3000)]
    pub port: u16,
    /// The address to listen on. Only loopback (the default) keeps the
    /// preview to this machine; another address lets your network see it.
    #[arg(long, value_name = "IP", default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    pub bind: IpAddr,
    /// Preview the internal build (journeys and notes marked internal).
    #[arg(long)]
    pub internal: bool,
    /// In public builds, show counts from journeys below N as "fewer than N"
    /// [default: `assessment.suppress_below`, else 5].
    #[arg(long, value_name = "N")]
    pub suppress_below: Option<u32>,
}

pub(super) fn run(args: &Args, out: &mut dyn Write, err: &mut dyn Write) -> CliResult {
    let preview = Arc::new(Preview::new(Settings {
        assessment: args.file.assessment.clone(),
        internal: args.internal,
        suppress_below: args.suppress_below,
        allow_outside: args.file.allow_outside,
    }));
    let mut watcher = Watcher::new().map_err(CliError::Failed)?;
    // Watch the assessment's folder and the template overrides before the
    // first build, so an edit saved while it runs is not missed.
    watcher.follow(&crate::serve::Inputs::before_building(
        &args.file.assessment,
    ));
    report(&preview.rebuild(), None, out, err)?;
    let server = tiny_http::Server::http(SocketAddr::new(args.bind, args.port)).map_err(|e| {
        CliError::Failed(format!(
            "cannot listen on {}:{}: {e}; is another preview running? try --port {} or --port 0",
            args.bind,
            args.port,
            args.port.wrapping_add(1).max(1024)
        ))
    })?;
    let address = server
        .server_addr()
        .to_ip()
        .ok_or_else(|| CliError::Failed("the server has no IP address".into()))?;
    writeln!(
        out,
        "serving {} on http://{address}/ (Ctrl-C to stop)",
        args.file.assessment.display()
    )?;
    if !address.ip().is_loopback() {
        writeln!(
            err,
            "warning: {} is not a loopback address: other machines can read this preview{}",
            address.ip(),
            if args.internal {
                ", internal notes and all"
            } else {
                ""
            }
        )?;
    }
    out.flush()?;
    let hosts = Hosts::for_address(address);
    let serving = preview.clone();
    std::thread::spawn(move || serve(server, serving, hosts));
    let mut first = true;
    loop {
        let inputs = preview.inputs();
        if watcher.follow(&inputs) && !std::mem::take(&mut first) {
            // A folder new to this build (a templates folder just made)
            // may have had files written before it was watched.
            report(&preview.rebuild(), None, out, err)?;
            continue;
        }
        first = false;
        let Some(changed) = watcher.next_change(&inputs) else {
            return Ok(EXIT_OK);
        };
        report(&preview.rebuild(), changed.first(), out, err)?;
    }
}

/// One line a rebuild, and the errors of one that failed.
fn report(
    outcome: &Outcome,
    changed: Option<&std::path::PathBuf>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), CliError> {
    let after = changed
        .and_then(|p| p.file_name())
        .map(|name| format!(" after an edit to {}", name.to_string_lossy()))
        .unwrap_or_default();
    match outcome {
        Outcome::Built { files, took } => {
            writeln!(out, "built {files} files in {} ms{after}", took.as_millis())?
        }
        Outcome::Failed(problems) => {
            write!(err, "{}", problems.text)?;
            writeln!(
                err,
                "not built{after}: {} (shown in the page too)",
                problems.summary
            )?;
        }
    }
    out.flush()?;
    Ok(())
}
