//! An office PC's traffic, which has nothing to do with phones: it resolves names (A and
//! AAAA, as Windows asks) and browses web sites over plain HTTP, a page and a few of its
//! resources per connection. It gives a benchmark capture traffic the plugin must look
//! at and leave alone.

use crate::capture::Capture;
use crate::clock::{http_date, Micros};
use crate::dns::{self, DNS_PORT};
use crate::http;
use crate::net::{self, Host, Ipv4, Ipv4Params, PROTO_UDP};
use crate::png;
use crate::prng::Prng;
use crate::tcp::{ConnSpec, Dir, Endpoint, TcpConn};
use crate::topology::{router_mac, server_stack, QUICK_ACK};

/// Web sites the PCs visit: the company's own and a few outside (documentation ranges).
const WEB_SITES: &[(&str, Ipv4)] = &[
    ("intranet.emcc.example", [10, 20, 0, 80]),
    ("wiki.emcc.example", [10, 20, 0, 81]),
    ("hr.emcc.example", [10, 20, 0, 82]),
    ("www.example.com", [203, 0, 113, 10]),
    ("news.example.net", [203, 0, 113, 25]),
    ("docs.example.org", [198, 51, 100, 7]),
];

/// Names looked up for other reasons (mail, directory, updates): DNS only.
const OTHER_NAMES: &[(&str, Ipv4)] = &[
    ("mail.emcc.example", [10, 20, 0, 25]),
    ("ldap.emcc.example", [10, 20, 0, 30]),
    ("files.emcc.example", [10, 20, 0, 45]),
    ("update.example.com", [203, 0, 113, 50]),
    ("time.example.net", [198, 51, 100, 123]),
];

/// Mean time between two page visits of one PC, and between two other lookups.
pub const PAGE_GAP: Micros = 45_000_000;
const LOOKUP_GAP: Micros = 40_000_000;
/// A visit needs this long to finish; none starts later before the capture's end.
const VISIT_TIME: Micros = 4_000_000;

const WORDS: &[&str] = &[
    "office", "meeting", "quarter", "report", "phone", "project", "team", "update", "customer",
    "policy", "travel", "budget", "schedule", "review", "network", "support",
];

/// A PC's traffic from time 0 to `span`; `label` seeds it.
pub fn pc_traffic(pc: Host, dns_server: Ipv4, span: Micros, label: &str) -> Capture {
    let mut pc = Pc {
        host: pc,
        router: router_mac(pc.ip),
        dns_server,
        cap: Capture::new(),
        rng: Prng::from_label(label),
        resolved: Vec::new(),
        label: label.to_string(),
        conns: 0,
    };
    let t_arp = pc.rng.range(0, span);
    let gateway = Host {
        mac: pc.router,
        ip: [pc.host.ip[0], pc.host.ip[1], pc.host.ip[2], 1],
    };
    pc.cap.push(t_arp, net::arp_request(&pc.host, gateway.ip));
    let t_reply = t_arp + pc.rng.range(150, 400);
    pc.cap.push(t_reply, net::arp_reply(&gateway, &pc.host));

    let mut t = pc.rng.range(0, PAGE_GAP);
    while t + VISIT_TIME < span {
        let site = WEB_SITES[pc.rng.range(0, WEB_SITES.len() as u64) as usize];
        t = pc.visit(t, site);
        t += pc.gap(PAGE_GAP);
    }
    let mut t = pc.rng.range(0, LOOKUP_GAP);
    while t < span {
        let (name, ip) = OTHER_NAMES[pc.rng.range(0, OTHER_NAMES.len() as u64) as usize];
        pc.lookup(t, name, ip);
        t += pc.gap(LOOKUP_GAP);
    }
    pc.cap
}

struct Pc {
    host: Host,
    router: [u8; 6],
    dns_server: Ipv4,
    cap: Capture,
    rng: Prng,
    /// Names already in the PC's cache: no second lookup.
    resolved: Vec<&'static str>,
    label: String,
    conns: usize,
}

impl Pc {
    /// A wait with mean `mean`, between a fifth of it and twice it less a fifth.
    fn gap(&mut self, mean: Micros) -> Micros {
        mean / 5 + self.rng.range(0, 2 * mean * 4 / 5)
    }

    fn udp(&mut self, t: Micros, from_pc: bool, port: u16, payload: &[u8]) {
        let (src, dst) = if from_pc {
            (self.host.ip, self.dns_server)
        } else {
            (self.dns_server, self.host.ip)
        };
        let ip = Ipv4Params {
            src,
            dst,
            protocol: PROTO_UDP,
            id: self.rng.next_u32() as u16,
            tos: 0,
            ttl: if from_pc { 128 } else { 63 },
        };
        let (smac, dmac, sport, dport) = if from_pc {
            (self.host.mac, self.router, port, DNS_PORT)
        } else {
            (self.router, self.host.mac, DNS_PORT, port)
        };
        let frame = net::udp_frame(smac, dmac, &ip, sport, dport, payload);
        self.cap.push(t, frame);
    }

    /// A and AAAA queries for `name` from one port, the answers; returns when the last
    /// answer arrived.
    fn lookup(&mut self, t: Micros, name: &str, ip: Ipv4) -> Micros {
        let port = self.rng.range(49_152, 65_535) as u16;
        let external = !name.ends_with(".emcc.example");
        let mut last = t;
        for (i, qtype) in [dns::TYPE_A, dns::TYPE_AAAA].into_iter().enumerate() {
            let id = self.rng.next_u32() as u16;
            let t_query = t + i as Micros * self.rng.range(50, 300);
            self.udp(t_query, true, port, &dns::query(id, name, qtype));
            // Outside names may need the server to ask further.
            let delay = if external {
                self.rng.range(8_000, 40_000)
            } else {
                self.rng.range(400, 1_500)
            };
            let ttl = if external { 300 } else { 3_600 };
            let t_answer = t_query + delay;
            self.udp(
                t_answer,
                false,
                port,
                &dns::answer(id, name, qtype, &[ip], ttl),
            );
            last = last.max(t_answer);
        }
        last
    }

    /// Looks the site up unless cached, then fetches a page and a few of its resources
    /// on one connection. Returns when the PC is done.
    fn visit(&mut self, t: Micros, (name, ip): (&'static str, Ipv4)) -> Micros {
        let mut t = t;
        if !self.resolved.contains(&name) {
            t = self.lookup(t, name, ip) + self.rng.range(200, 900);
            self.resolved.push(name);
        }
        let spec = ConnSpec {
            client: Endpoint {
                host: self.host,
                port: self.rng.range(49_152, 65_535) as u16,
            },
            client_stack: server_stack(self.rng.next_u32(), QUICK_ACK),
            server: Endpoint {
                host: Host {
                    mac: self.router,
                    ip,
                },
                port: 80,
            },
            server_stack: server_stack(self.rng.next_u32(), QUICK_ACK),
            tos: 0,
        };
        self.conns += 1;
        let label = format!("{} conn {}", self.label, self.conns);
        let mut conn = TcpConn::connect(&mut self.cap, &spec, t, &label);
        let mut t = t + 1_000;
        let resources = self.rng.range(0, 4);
        for i in 0..=resources {
            let (path, kind, body) = if i == 0 {
                (
                    format!("/{}.html", self.word()),
                    "text/html; charset=utf-8",
                    self.page(),
                )
            } else {
                self.resource()
            };
            let request = http::request("GET", &path)
                .header("Host", name)
                .header(
                    "User-Agent",
                    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:65.0) Gecko/20100101 Firefox/65.0",
                )
                .header("Accept", "*/*")
                .header("Accept-Language", "en-US,en;q=0.5")
                .header("Connection", "keep-alive");
            conn.send(&mut self.cap, Dir::ToServer, t, &request.encode());
            let t_response = t + self.rng.range(2_000, 60_000);
            let response = http::response(200, "OK")
                .header("Date", http_date(t_response))
                .header("Server", "Apache")
                .header("Content-Type", kind)
                .length_header("Content-Length")
                .body(body);
            conn.send(&mut self.cap, Dir::ToClient, t_response, &response.encode());
            t = t_response + self.rng.range(1_000, 15_000);
        }
        let t_close = t + self.rng.range(100_000, 1_500_000);
        conn.close(&mut self.cap, Dir::ToClient, t_close);
        conn.flush(&mut self.cap);
        t_close
    }

    fn word(&mut self) -> &'static str {
        WORDS[self.rng.range(0, WORDS.len() as u64) as usize]
    }

    /// Lines of words, `size` bytes or a little more, each line opened and closed by
    /// the given texts.
    fn text(&mut self, size: usize, open: &str, close: &str) -> String {
        let mut text = String::with_capacity(size + 200);
        while text.len() < size {
            text.push_str(open);
            for _ in 0..12 {
                text.push_str(self.word());
                text.push(' ');
            }
            text.push_str(close);
        }
        text
    }

    /// An HTML page of 2 to 40 KB of text.
    fn page(&mut self) -> Vec<u8> {
        let size = self.rng.range(2_000, 40_000) as usize;
        let title = self.word();
        let body = self.text(size, "<p>", "</p>\n");
        format!("<html><head><title>{title}</title></head><body>\n{body}</body></html>\n")
            .into_bytes()
    }

    /// A style sheet, script or image the page refers to: 1 to 30 KB.
    fn resource(&mut self) -> (String, &'static str, Vec<u8>) {
        let size = self.rng.range(1_000, 30_000) as usize;
        let name = self.rng.hex(8);
        match self.rng.range(0, 3) {
            0 => {
                let css = self.text(size, ".", "{ margin: 0; }\n");
                (format!("/css/{name}.css"), "text/css", css.into_bytes())
            }
            1 => {
                let js = self.text(size, "// ", "\n");
                (
                    format!("/js/{name}.js"),
                    "application/javascript",
                    js.into_bytes(),
                )
            }
            _ => {
                let mut data = Vec::with_capacity(size + 8);
                while data.len() < size {
                    data.extend_from_slice(&self.rng.next_u64().to_le_bytes());
                }
                data.truncate(size);
                let (w, h) = (self.rng.range(16, 800), self.rng.range(16, 600));
                let png = png::image(w as u32, h as u32, &data);
                (format!("/img/{name}.png"), "image/png", png)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pc_resolves_once_and_browses() {
        let pc = Host {
            mac: [0x3c, 0x52, 0x82, 100, 0, 0x30],
            ip: [10, 100, 0, 230],
        };
        let frames = pc_traffic(pc, [10, 20, 0, 53], 600_000_000, "pc test").into_frames();
        let udp_to_53 = |f: &&crate::capture::Frame| {
            f.data[12..14] == [8, 0] && f.data[23] == 17 && f.data[36..38] == [0, 53]
        };
        let queries: Vec<&crate::capture::Frame> = frames.iter().filter(udp_to_53).collect();
        assert!(queries.len() >= 4, "{} queries", queries.len());
        let gets = frames
            .iter()
            .filter(|f| f.data.windows(4).any(|w| w == b"GET "))
            .count();
        assert!(gets >= 6, "{gets} requests");
        // Each web site is looked up at most once (A and AAAA).
        for (name, _) in WEB_SITES {
            let mut encoded = Vec::new();
            for label in name.split('.') {
                encoded.push(label.len() as u8);
                encoded.extend_from_slice(label.as_bytes());
            }
            let asked = queries
                .iter()
                .filter(|f| f.data.windows(encoded.len()).any(|w| w == encoded))
                .count();
            assert!(asked <= 2, "{name} asked {asked} times");
        }
        assert!(frames.windows(2).all(|w| w[0].t <= w[1].t));
    }
}
