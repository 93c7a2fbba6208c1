//! Faults to inject into a mock API's next responses.

use std::time::Duration;

use wiremock::ResponseTemplate;

/// A bad response to serve instead of the fixture: an error status, a `Retry-After`, a slow
/// answer, a malformed or HTML body.
///
/// ```
/// use std::time::Duration;
/// use questkit_mock::Fault;
///
/// let rate_limited = Fault::status(429).header("Retry-After", "1");
/// let slow = Fault::delay(Duration::from_secs(2));
/// let proxy_page = Fault::html(502);
/// # let _ = (rate_limited, slow, proxy_page);
/// ```
#[derive(Clone, Debug)]
pub struct Fault {
    status: u16,
    body: Vec<u8>,
    content_type: &'static str,
    headers: Vec<(String, String)>,
    delay: Option<Duration>,
}

impl Fault {
    /// An error status with an empty body.
    pub fn status(status: u16) -> Self {
        Fault {
            status,
            body: Vec::new(),
            content_type: "application/json",
            headers: Vec::new(),
            delay: None,
        }
    }

    /// An error status with a JSON body.
    pub fn json(status: u16, body: &str) -> Self {
        Fault::status(status).body(body)
    }

    /// A `status` with `Retry-After: value` (seconds or an HTTP date).
    pub fn retry_after(status: u16, value: &str) -> Self {
        Fault::status(status).header("Retry-After", value)
    }

    /// An HTML error page, as a proxy or load balancer sends.
    pub fn html(status: u16) -> Self {
        let mut fault = Fault::status(status).body(
            "<!DOCTYPE html><html><head><title>Bad Gateway</title></head>\
             <body><h1>Bad Gateway</h1><p>The upstream server is unavailable.</p></body></html>",
        );
        fault.content_type = "text/html";
        fault
    }

    /// A 200 whose body is not valid JSON.
    pub fn malformed_json() -> Self {
        Fault::status(200).body("{\"truncated\": [1, 2,")
    }

    /// A 200 `{}` that arrives after `delay` (for timeouts).
    pub fn delay(delay: Duration) -> Self {
        Fault::status(200).body("{}").delayed(delay)
    }

    /// Sets the body.
    pub fn body(mut self, body: &str) -> Self {
        self.body = body.as_bytes().to_vec();
        self
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Answers after `delay`.
    pub fn delayed(mut self, delay: Duration) -> Self {
        self.delay = Some(delay);
        self
    }

    /// The response wiremock sends.
    pub fn response(&self) -> ResponseTemplate {
        let mut template =
            ResponseTemplate::new(self.status).set_body_raw(self.body.clone(), self.content_type);
        for (name, value) in &self.headers {
            template = template.insert_header(name.as_str(), value.as_str());
        }
        if let Some(delay) = self.delay {
            template = template.set_delay(delay);
        }
        template
    }
}
