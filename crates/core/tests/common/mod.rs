//! Helpers the core's test files share.

use std::io::Write;
use std::sync::{Arc, Mutex};

/// Everything a `fmt` subscriber at TRACE level writes while the returned guard lives.
#[derive(Clone, Default)]
pub struct Traces(Arc<Mutex<Vec<u8>>>);

impl Write for Traces {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(data);
        Ok(data.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Traces {
    /// Starts capturing on this thread.
    pub fn capture() -> (Traces, tracing::subscriber::DefaultGuard) {
        keep_a_second_dispatch();
        let traces = Traces::default();
        let writer = traces.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_writer(move || writer.clone())
            .finish();
        (traces, tracing::subscriber::set_default(subscriber))
    }

    /// What was written so far.
    pub fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

/// Keeps a second, silent dispatch registered for the whole test binary.
///
/// tracing-core 0.1.36 has a race (tokio-rs/tracing#3611): while exactly one dispatch exists
/// in the process, a callsite first reached by a thread without a subscriber (another test
/// running in parallel) caches "never interested", and the capturing test on its own thread
/// then sees no span at all. With two dispatches registered, tracing asks each of them.
fn keep_a_second_dispatch() {
    static SILENT: std::sync::OnceLock<tracing::Dispatch> = std::sync::OnceLock::new();
    SILENT.get_or_init(|| tracing::Dispatch::new(tracing::subscriber::NoSubscriber::default()));
}
