// A Go echo: one goroutine per connection, a buffered copy back to the sender, standard library only.
// Usage: echo PORT [ADDRESS]
package main

import (
	"io"
	"log"
	"net"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		log.Fatal("usage: echo PORT [ADDRESS]")
	}
	address := "127.0.0.1"
	if len(os.Args) > 2 {
		address = os.Args[2]
	}
	listener, err := net.Listen("tcp", net.JoinHostPort(address, os.Args[1]))
	if err != nil {
		log.Fatal(err)
	}
	for {
		conn, err := listener.Accept()
		if err != nil {
			continue
		}
		go func(c net.Conn) {
			defer c.Close()
			buf := make([]byte, 32*1024)
			io.CopyBuffer(struct{ io.Writer }{c}, struct{ io.Reader }{c}, buf)
		}(conn)
	}
}
