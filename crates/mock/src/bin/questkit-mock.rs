//! `questkit-mock`: the four questkit mock APIs on one local port, for non-Rust tools, manual
//! exploration and tests in other languages.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::process::ExitCode;

use questkit_mock::{MockSuite, giftoin, goals, nudj, trophy};

const HELP: &str = "\
questkit-mock: mock servers of the Trophy, Nudj, Epixel Goals and Giftoin APIs on one port.

USAGE:
    questkit-mock [--port PORT] [--host HOST] [--rate-limit tier1=N,tier2=M]

OPTIONS:
    --port PORT    Port to listen on (default: a free port, printed on the first line)
    --host HOST    Address to bind (default: 127.0.0.1, loopback only). Binding another
                   address exposes the mocks and their demo keys to your network.
    --rate-limit tier1=N,tier2=M
                   Answer Trophy requests beyond N (Tier 1: metric events, achievement
                   completions, admin calls) or M (Tier 2: the rest) a second per API key
                   with 429, as Trophy does (its documented limits: tier1=10,tier2=100)
    -h, --help     Print this help
    -V, --version  Print the version

Each API is served under its own prefix, with its own base path and demo credentials, and
answers from questkit's recorded fixtures. Stop with Ctrl-C.
";

struct Args {
    host: IpAddr,
    port: u16,
    rate_limit: Option<(u32, u32)>,
}

/// `tier1=10,tier2=100` (either may be left out: it then has no limit).
fn parse_rate_limit(raw: &str) -> Result<(u32, u32), String> {
    let (mut tier1, mut tier2) = (u32::MAX, u32::MAX);
    for part in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (name, value) = part
            .split_once('=')
            .ok_or_else(|| format!("`{part}`: expected tier1=N or tier2=N"))?;
        let value: u32 = value
            .trim()
            .parse()
            .map_err(|_| format!("`{part}`: the limit must be a whole number"))?;
        match name.trim() {
            "tier1" => tier1 = value,
            "tier2" => tier2 = value,
            other => return Err(format!("unknown tier `{other}` (tier1 or tier2)")),
        }
    }
    Ok((tier1, tier2))
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut parsed = Args {
        host: IpAddr::V4(Ipv4Addr::LOCALHOST),
        port: 0,
        rate_limit: None,
    };
    while let Some(arg) = args.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((name, value)) => (name.to_owned(), Some(value.to_owned())),
            None => (arg.clone(), None),
        };
        let mut value = |what: &str| {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a {what}"))
        };
        match name.as_str() {
            "-h" | "--help" => {
                print!("{HELP}");
                return Ok(None);
            }
            "-V" | "--version" => {
                println!("questkit-mock {}", env!("CARGO_PKG_VERSION"));
                return Ok(None);
            }
            "--port" | "-p" => {
                let raw = value("port number")?;
                parsed.port = raw.parse().map_err(|_| format!("invalid port `{raw}`"))?;
            }
            "--host" => {
                let raw = value("address")?;
                parsed.host = match raw.as_str() {
                    "localhost" => IpAddr::V4(Ipv4Addr::LOCALHOST),
                    other => other
                        .parse()
                        .map_err(|_| format!("invalid address `{other}`"))?,
                };
            }
            "--rate-limit" => {
                let raw = value("limit such as tier1=10,tier2=100")?;
                parsed.rate_limit = Some(parse_rate_limit(&raw)?);
            }
            other => return Err(format!("unknown argument `{other}` (see --help)")),
        }
    }
    Ok(Some(parsed))
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(Some(args)) => args,
        Ok(None) => return ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("questkit-mock: {message}");
            return ExitCode::from(2);
        }
    };
    let suite = match MockSuite::bind(SocketAddr::new(args.host, args.port)).await {
        Ok(suite) => suite,
        Err(err) => {
            eprintln!(
                "questkit-mock: cannot listen on {}:{}: {err}",
                args.host, args.port
            );
            return ExitCode::FAILURE;
        }
    };
    println!(
        "questkit-mock listening on {} (Ctrl-C to stop)",
        suite.uri()
    );
    if !args.host.is_loopback() {
        println!(
            "warning: bound to {}, reachable from other machines",
            args.host
        );
    }
    println!();
    if let Some((tier1, tier2)) = args.rate_limit {
        suite.trophy.enforce_rate_limits(tier1, tier2);
    }
    println!("trophy   {}", suite.trophy.uri());
    if let Some((tier1, tier2)) = args.rate_limit {
        println!("         rate limits per key: tier1 {tier1}/s, tier2 {tier2}/s (429 beyond)");
    }
    println!("         header X-API-KEY: {}", trophy::DEMO_API_KEY);
    println!("         admin API {}", suite.trophy.admin_uri());
    println!(
        "         admin header X-API-KEY: {} (accepted by both APIs)",
        trophy::DEMO_ADMIN_API_KEY
    );
    println!("nudj     {}", suite.nudj.uri());
    println!(
        "         header x-api-token: {} (or Authorization: Bearer)",
        nudj::DEMO_API_TOKEN
    );
    println!("         admin API {}", suite.nudj.admin_uri());
    println!("goals    {}", suite.goals.uri());
    println!("         header apikey: {}", goals::DEMO_API_KEY);
    println!(
        "         login POST user/login/ {{\"username\": \"{}\", \"password\": \"{}\"}}",
        goals::DEMO_USERNAME,
        goals::DEMO_PASSWORD
    );
    println!(
        "         or header Authorization: Bearer {}",
        goals::DEMO_ACCESS_TOKEN
    );
    println!(
        "         header api-signature: {}",
        goals::DEMO_API_SIGNATURE
    );
    println!("giftoin  {}", suite.giftoin.uri());
    println!("         header x-gft-api-key: {}", giftoin::DEMO_API_KEY);
    if let Err(err) = tokio::signal::ctrl_c().await {
        eprintln!("questkit-mock: cannot wait for Ctrl-C: {err}");
        return ExitCode::FAILURE;
    }
    println!("questkit-mock stopped");
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Option<Args>, String> {
        parse_args(args.iter().map(|s| s.to_string()))
    }

    #[test]
    fn arguments() {
        let default = parse(&[]).unwrap().unwrap();
        assert_eq!(
            (default.host, default.port),
            (IpAddr::V4(Ipv4Addr::LOCALHOST), 0)
        );
        let set = parse(&["--port", "8080", "--host=0.0.0.0"])
            .unwrap()
            .unwrap();
        assert_eq!(set.port, 8080);
        assert!(!set.host.is_loopback());
        assert_eq!(parse(&["--port=9"]).unwrap().unwrap().port, 9);
        assert!(parse(&["--help"]).unwrap().is_none());
        assert!(parse(&["--port"]).is_err());
        assert!(parse(&["--port", "http"]).is_err());
        assert!(parse(&["--host", "example.com"]).is_err());
        assert!(parse(&["--verbose"]).is_err());
        let limited = parse(&["--rate-limit", "tier1=10,tier2=100"])
            .unwrap()
            .unwrap();
        assert_eq!(limited.rate_limit, Some((10, 100)));
        let one = parse(&["--rate-limit=tier1=5"]).unwrap().unwrap();
        assert_eq!(one.rate_limit, Some((5, u32::MAX)));
        assert!(parse(&["--rate-limit", "tier3=1"]).is_err());
        assert!(parse(&["--rate-limit", "tier1=ten"]).is_err());
    }
}
