package remote

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestRetryableWhileBooting(t *testing.T) {
	booting := []error{
		&net.OpError{Op: "dial", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)},
		&net.OpError{Op: "dial", Err: os.NewSyscallError("connect", syscall.EHOSTUNREACH)},
		fmt.Errorf("ssh: handshake failed: %w", io.EOF),
		&net.OpError{Op: "read", Err: os.NewSyscallError("read", syscall.ECONNRESET)},
	}
	for _, err := range booting {
		if !Retryable(err) {
			t.Errorf("%v: not retried, but a booting host gives it", err)
		}
	}
	final := []error{
		&net.OpError{Op: "dial", Err: &net.DNSError{Err: "no such host", Name: "nowhere.invalid", IsNotFound: true}},
		errors.New("ssh: handshake failed: ssh: unable to authenticate, attempted methods [none publickey], no supported methods remain"),
	}
	for _, err := range final {
		if Retryable(err) {
			t.Errorf("%v: retried, but waiting cannot fix it", err)
		}
	}
}

func TestBackoffAndBound(t *testing.T) {
	want := []time.Duration{time.Second, 2 * time.Second, 5 * time.Second, 5 * time.Second}
	for i, w := range want {
		if got := Backoff(i + 1); got != w {
			t.Errorf("Backoff(%d) = %s, want %s", i+1, got, w)
		}
	}
	env := func(v string) func(string) string { return func(string) string { return v } }
	if d, err := DialTimeout(env("")); err != nil || d != DefaultDialTimeout {
		t.Errorf("unset: %s %v", d, err)
	}
	if d, err := DialTimeout(env("90s")); err != nil || d != 90*time.Second {
		t.Errorf("90s: %s %v", d, err)
	}
	for _, bad := range []string{"10", "-1m", "soon"} {
		if _, err := DialTimeout(env(bad)); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestExportPrefixQuotesForTheShell(t *testing.T) {
	got, err := ExportPrefix(map[string]string{"B": "it's $HOME `x`", "A": ""})
	if err != nil {
		t.Fatal(err)
	}
	if want := `export A=''; export B='it'\''s $HOME ` + "`x`" + `'; `; got != want {
		t.Fatalf("got %s want %s", got, want)
	}
	// The shell reads the value back unchanged.
	out, err := exec.Command("sh", "-c", got+`printf %s "$B"`).Output()
	if err != nil || string(out) != "it's $HOME `x`" {
		t.Fatalf("sh read back %q (%v)", out, err)
	}
	if _, err := ExportPrefix(map[string]string{"1X": "v"}); err == nil {
		t.Fatal("a name starting with a digit was accepted")
	}
	if _, err := ExportPrefix(map[string]string{"A;rm": "v"}); err == nil {
		t.Fatal("a name with a semicolon was accepted")
	}
}

func TestLoginNamesUserHostAndPort(t *testing.T) {
	port, user := 2222.0, "debian"
	if got := (Connection{Host: "10.0.0.5", Port: &port, User: &user}).Login(); got != "debian@10.0.0.5:2222" {
		t.Fatal(got)
	}
	if got := (Connection{Host: "::1"}).Login(); got != "root@[::1]:22" {
		t.Fatal(got)
	}
}

func TestAnUnreadableKeyIsNamedWithoutItsText(t *testing.T) {
	key := "not-a-key-SECRET"
	_, err := (Connection{Host: "h", PrivateKey: &key}).config()
	if err == nil || !strings.Contains(err.Error(), "connection.privateKey") || strings.Contains(err.Error(), "SECRET") {
		t.Fatalf("got %v", err)
	}
}
