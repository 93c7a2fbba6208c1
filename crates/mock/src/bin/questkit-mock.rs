//! `questkit-mock`: the four questkit mock APIs on one local port, for non-Rust tools, manual
//! exploration and tests in other languages.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::process::ExitCode;

use questkit_mock::{MockSuite, giftoin, goals, nudj, trophy};

const HELP: &str = "\
questkit-mock: mock servers of the Trophy, Nudj, Epixel Goals and Giftoin APIs on one port.

USAGE:
    questkit-mock [--port PORT] [--host HOST]

OPTIONS:
    --port PORT    Port to listen on (default: a free port, printed on the first line)
    --host HOST    Address to bind (default: 127.0.0.1, loopback only). Binding another
                   address exposes the mocks and their demo keys to your network.
    -h, --help     Print this help
    -V, --version  Print the version

Each API is served under its own prefix, with its own base path and demo credentials, and
answers from questkit's recorded fixtures. Stop with Ctrl-C.
";

struct Args {
    host: IpAddr,
    port: u16,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut parsed = Args {
        host: IpAddr::V4(Ipv4Addr::LOCALHOST),
        port: 0,
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
    println!("trophy   {}", suite.trophy.uri());
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
    }
}
