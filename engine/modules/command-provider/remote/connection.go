package remote

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/crypto/ssh"
)

// Connection is how to reach the host: the fields of the locked @pulumi/command's
// remote.ConnectionArgs, no more.
type Connection struct {
	Host       string   `pulumi:"host"`
	Port       *float64 `pulumi:"port,optional"`
	User       *string  `pulumi:"user,optional"`
	Password   *string  `pulumi:"password,optional" provider:"secret"`
	PrivateKey *string  `pulumi:"privateKey,optional" provider:"secret"`
}

// DefaultDialTimeout bounds the retries while a host boots: sshd on a fresh guest answers in
// about a minute here (qemu without KVM), a cloud's within a few. DialTimeoutEnv overrides it
// with a Go duration ("90s", "15m").
const (
	DefaultDialTimeout = 10 * time.Minute
	DialTimeoutEnv     = "HYBRID_VNF_SSH_DIAL_TIMEOUT"
	attemptTimeout     = 15 * time.Second
)

// Address is host:port with the SDK's default port, 22.
func (c Connection) Address() string {
	port := 22
	if c.Port != nil {
		port = int(*c.Port)
	}
	return net.JoinHostPort(c.Host, strconv.Itoa(port))
}

// Login is user@host:port as errors name it; the user defaults to root, as in the SDK.
func (c Connection) Login() string {
	user := "root"
	if c.User != nil && *c.User != "" {
		user = *c.User
	}
	return user + "@" + c.Address()
}

func (c Connection) config() (*ssh.ClientConfig, error) {
	var auth []ssh.AuthMethod
	if c.PrivateKey != nil && *c.PrivateKey != "" {
		signer, err := ssh.ParsePrivateKey([]byte(*c.PrivateKey))
		if err != nil {
			// The key itself never goes into the message.
			return nil, fmt.Errorf("ssh to %s: connection.privateKey is not a private key ssh can read: %v", c.Login(), errors.Unwrap(err))
		}
		auth = append(auth, ssh.PublicKeys(signer))
	}
	if c.Password != nil && *c.Password != "" {
		pw := *c.Password
		auth = append(auth, ssh.Password(pw), ssh.KeyboardInteractive(func(_, _ string, qs []string, _ []bool) ([]string, error) {
			answers := make([]string, len(qs))
			for i := range answers {
				answers[i] = pw
			}
			return answers, nil
		}))
	}
	user := strings.SplitN(c.Login(), "@", 2)[0]
	return &ssh.ClientConfig{
		User: user,
		Auth: auth,
		// As upstream pulumi-command: the host key is not pinned (a new guest's key is unknown).
		HostKeyCallback: ssh.InsecureIgnoreHostKey(), //nolint:gosec
		Timeout:         attemptTimeout,
	}, nil
}

// Retryable: the failures of a host that is still booting (nothing listens yet, no route yet,
// sshd up but closing the handshake). A name that does not resolve or a refused login is not.
func Retryable(err error) bool {
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return dnsErr.IsTimeout || dnsErr.IsTemporary
	}
	if strings.Contains(err.Error(), "unable to authenticate") {
		return false
	}
	if errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.EHOSTUNREACH) || errors.Is(err, syscall.ENETUNREACH) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.EOF) || errors.Is(err, os.ErrDeadlineExceeded) {
		return true
	}
	var netErr net.Error
	return errors.As(err, &netErr) && netErr.Timeout()
}

// Backoff is the pause after the n-th failed attempt (from 1): 1 s, 2 s, 4 s, then 5 s.
func Backoff(n int) time.Duration {
	if n >= 3 {
		return 5 * time.Second
	}
	return time.Second << (n - 1)
}

// DialTimeout is the bound on the retries: DialTimeoutEnv if set and valid, else the default.
func DialTimeout(getenv func(string) string) (time.Duration, error) {
	v := getenv(DialTimeoutEnv)
	if v == "" {
		return DefaultDialTimeout, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%s=%q is not a positive Go duration (e.g. 90s, 15m)", DialTimeoutEnv, v)
	}
	return d, nil
}

// Dial opens the SSH client, retrying what Retryable allows until the DialTimeout bound.
func (c Connection) Dial(ctx context.Context) (*ssh.Client, error) {
	cfg, err := c.config()
	if err != nil {
		return nil, err
	}
	bound, err := DialTimeout(os.Getenv)
	if err != nil {
		return nil, err
	}
	deadline := time.Now().Add(bound)
	for n := 1; ; n++ {
		client, err := ssh.Dial("tcp", c.Address(), cfg)
		if err == nil {
			return client, nil
		}
		if !Retryable(err) {
			return nil, fmt.Errorf("ssh to %s: %w", c.Login(), err)
		}
		pause := Backoff(n)
		if time.Now().Add(pause).After(deadline) {
			return nil, fmt.Errorf("ssh to %s: gave up after %d attempts in %s (bound %s, %s): %w", c.Login(), n, time.Since(deadline.Add(-bound)).Round(time.Second), bound, DialTimeoutEnv, err)
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("ssh to %s: cancelled after %d attempts: %w", c.Login(), n, err)
		case <-time.After(pause):
		}
	}
}
