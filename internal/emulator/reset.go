package emulator

import (
	"net"
	"net/http"
)

// ResetConn hijacks the connection and closes it with SO_LINGER 0, so the
// client sees a TCP reset with no answer: the "connection reset" fault.
// w may wrap the server's writer if it has an Unwrap method.
func ResetConn(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler) // net/http drops the connection without answering
	}
	raw := conn
	if nc, ok := conn.(interface{ NetConn() net.Conn }); ok {
		raw = nc.NetConn()
	}
	if tcp, ok := raw.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
	_ = raw.Close()
}
