//! The sandbox an enzyme runs in: the store's data, its limits and its WASI
//! context.
//!
//! The WASI context is built from [`wasmtime_wasi::WasiCtxBuilder::new`]'s
//! defaults — no preopened directories, no environment variables, no
//! arguments, no network (socket addresses and DNS denied), stdin closed —
//! plus stdout and stderr captured into bounded in-memory buffers that the
//! host drains into its log after each call. Random numbers and clocks are
//! what WASI p2 gives every guest.

use super::failure::MemoryLimitExceeded;
use crate::lookup::Lookups;
use bytes::Bytes;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use wasmtime::component::ResourceTable;
use wasmtime_wasi::cli::{IsTerminal, StdoutStream};
use wasmtime_wasi::p2::{OutputStream, Pollable, StreamResult};
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};

/// Bytes of guest stdout/stderr kept per call; the rest is counted and dropped.
pub const CAPTURE_CAP: usize = 16 * 1024;

/// What a `Store` holds for one enzyme instance.
pub struct StoreState {
    wasi: WasiCtx,
    table: ResourceTable,
    pub(crate) limiter: Limiter,
    pub(crate) stdout: Capture,
    pub(crate) stderr: Capture,
    pub(crate) call: CallState,
}

/// Per-instance facts the host imports answer from.
pub struct CallState {
    /// The enzyme's name, for log attribution.
    pub enzyme: Arc<str>,
    /// The manifest's `config` table as JSON text.
    pub config: Arc<str>,
    pub lookups: Arc<dyn Lookups>,
    /// The span being processed (set before each call).
    pub current: Option<super::imports::Current>,
    /// Log messages emitted during the current call.
    pub logs_this_call: u32,
}

impl StoreState {
    pub fn new(enzyme: Arc<str>, config: Arc<str>, lookups: Arc<dyn Lookups>, memory_bytes: usize) -> Self {
        let stdout = Capture::new(CAPTURE_CAP);
        let stderr = Capture::new(CAPTURE_CAP);
        let wasi = WasiCtx::builder().stdout(stdout.clone()).stderr(stderr.clone()).build();
        StoreState {
            wasi,
            table: ResourceTable::new(),
            limiter: Limiter { memory_bytes },
            stdout,
            stderr,
            call: CallState { enzyme, config, lookups, current: None, logs_this_call: 0 },
        }
    }
}

impl WasiView for StoreState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView { ctx: &mut self.wasi, table: &mut self.table }
    }
}

/// Caps linear memory; growing past the cap traps with
/// [`MemoryLimitExceeded`] (instead of `memory.grow` returning -1, which
/// most guests turn into an abort with a less useful message).
pub struct Limiter {
    memory_bytes: usize,
}

impl wasmtime::ResourceLimiter for Limiter {
    fn memory_growing(&mut self, _current: usize, desired: usize, _maximum: Option<usize>) -> wasmtime::Result<bool> {
        if desired > self.memory_bytes {
            return Err(wasmtime::Error::new(MemoryLimitExceeded { desired, limit: self.memory_bytes }));
        }
        Ok(true)
    }

    fn table_growing(&mut self, _current: usize, desired: usize, _maximum: Option<usize>) -> wasmtime::Result<bool> {
        Ok(desired <= 100_000)
    }

    fn instances(&self) -> usize {
        64
    }
    fn tables(&self) -> usize {
        64
    }
    fn memories(&self) -> usize {
        16
    }
}

/// A bounded in-memory sink for guest stdout/stderr. Writes never fail (a
/// guest that prints a lot must not trap because of it): past the cap,
/// bytes are counted and dropped.
#[derive(Clone)]
pub struct Capture {
    inner: Arc<Mutex<CaptureBuf>>,
}

struct CaptureBuf {
    data: Vec<u8>,
    cap: usize,
    dropped: usize,
}

impl Capture {
    pub fn new(cap: usize) -> Self {
        Capture { inner: Arc::new(Mutex::new(CaptureBuf { data: Vec::new(), cap, dropped: 0 })) }
    }

    fn push(&self, bytes: &[u8]) {
        let mut b = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let room = b.cap.saturating_sub(b.data.len());
        let n = room.min(bytes.len());
        b.data.extend_from_slice(&bytes[..n]);
        b.dropped += bytes.len() - n;
    }

    /// Take what was captured since the last call, and how many bytes were dropped.
    pub fn take(&self) -> (String, usize) {
        let mut b = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let text = String::from_utf8_lossy(&b.data).into_owned();
        let dropped = b.dropped;
        b.data.clear();
        b.dropped = 0;
        (text, dropped)
    }
}

impl IsTerminal for Capture {
    fn is_terminal(&self) -> bool {
        false
    }
}

impl StdoutStream for Capture {
    fn p2_stream(&self) -> Box<dyn OutputStream> {
        Box::new(self.clone())
    }
    fn async_stream(&self) -> Box<dyn tokio::io::AsyncWrite + Send + Sync> {
        Box::new(self.clone())
    }
}

#[wasmtime_wasi::async_trait]
impl Pollable for Capture {
    async fn ready(&mut self) {}
}

#[wasmtime_wasi::async_trait]
impl OutputStream for Capture {
    fn write(&mut self, bytes: Bytes) -> StreamResult<()> {
        self.push(&bytes);
        Ok(())
    }
    fn flush(&mut self) -> StreamResult<()> {
        Ok(())
    }
    fn check_write(&mut self) -> StreamResult<usize> {
        Ok(4096)
    }
}

impl tokio::io::AsyncWrite for Capture {
    fn poll_write(self: Pin<&mut Self>, _cx: &mut Context<'_>, buf: &[u8]) -> Poll<std::io::Result<usize>> {
        self.push(buf);
        Poll::Ready(Ok(buf.len()))
    }
    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}
