//! A device's byte stream, whatever listener it came in on: TCP, TLS, or a
//! WebSocket over either. A WebSocket message is not an MQTT packet: its
//! bytes are appended to the same buffer the codec frames from.

use std::io;

use futures_util::{SinkExt, StreamExt};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::server::TlsStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

/// One device connection's transport.
pub(crate) enum DeviceStream {
    /// MQTT over TCP.
    Tcp(TcpStream),
    /// MQTT over TLS.
    Tls(Box<TlsStream<TcpStream>>),
    /// MQTT over WebSocket.
    Ws(Box<WebSocketStream<TcpStream>>),
    /// MQTT over WebSocket over TLS.
    Wss(Box<WebSocketStream<TlsStream<TcpStream>>>),
}

impl DeviceStream {
    /// Appends what arrives to `buf`; `Ok(0)` when the device closed.
    /// Cancel-safe: nothing is lost if another branch of a `select!` wins.
    pub(crate) async fn read_into(&mut self, buf: &mut Vec<u8>) -> io::Result<usize> {
        match self {
            Self::Tcp(s) => s.read_buf(buf).await,
            Self::Tls(s) => s.read_buf(buf).await,
            Self::Ws(s) => ws_read(s.as_mut(), buf).await,
            Self::Wss(s) => ws_read(s.as_mut(), buf).await,
        }
    }

    /// Sends `bytes` (one WebSocket binary message on a WebSocket).
    pub(crate) async fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        if bytes.is_empty() {
            return Ok(());
        }
        match self {
            Self::Tcp(s) => s.write_all(bytes).await,
            Self::Tls(s) => {
                s.write_all(bytes).await?;
                s.flush().await
            }
            Self::Ws(s) => s
                .send(Message::binary(bytes.to_vec()))
                .await
                .map_err(io::Error::other),
            Self::Wss(s) => s
                .send(Message::binary(bytes.to_vec()))
                .await
                .map_err(io::Error::other),
        }
    }

    /// Closes the connection (TLS close_notify, WebSocket close frame).
    pub(crate) async fn close(&mut self) {
        match self {
            Self::Tcp(s) => {
                let _ = s.shutdown().await;
            }
            Self::Tls(s) => {
                let _ = s.shutdown().await;
            }
            Self::Ws(s) => {
                let _ = WebSocketStream::close(s.as_mut(), None).await;
            }
            Self::Wss(s) => {
                let _ = WebSocketStream::close(s.as_mut(), None).await;
            }
        }
    }
}

async fn ws_read<S>(ws: &mut WebSocketStream<S>, buf: &mut Vec<u8>) -> io::Result<usize>
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    loop {
        match ws.next().await {
            None | Some(Ok(Message::Close(_))) => return Ok(0),
            Some(Ok(Message::Binary(b))) if !b.is_empty() => {
                buf.extend_from_slice(&b);
                return Ok(b.len());
            }
            // Pings are answered by tungstenite; empty messages carry nothing.
            Some(Ok(
                Message::Ping(_) | Message::Pong(_) | Message::Binary(_) | Message::Frame(_),
            )) => {}
            Some(Ok(Message::Text(_))) => {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    "a text WebSocket message; MQTT over WebSocket is binary",
                ))
            }
            Some(Err(e)) => return Err(io::Error::other(e)),
        }
    }
}
