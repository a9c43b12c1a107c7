// RunPlugin for policy packs, added to the v3.68.0 Node.js language host (whose own RunPlugin
// answers "not supported"). v3.68.0 is the newest release whose host the Go proxy serves; a
// current engine runs a Node.js policy pack through the language host's RunPlugin, so without
// this `--policy-pack` cannot work. The engine sends the pack's folder in RunPluginRequest.info
// (field 5, a ProgramInfo), which v3.68.0's generated code does not know: it is read here from the
// request's unknown fields. Like the current host, it runs
//   node <pack>/node_modules/@pulumi/pulumi/cmd/run-policy-pack <engine-address> <pack folder>
// and streams the plugin's stdout/stderr and exit code back to the engine.
package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"sync"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/encoding/protowire"
)

const (
	runPluginRequestInfoField = 5 // RunPluginRequest.info (ProgramInfo)
	programInfoProgramDir     = 2 // ProgramInfo.program_directory
)

// fieldBytes returns the last occurrence of a length-delimited field in a protobuf message.
func fieldBytes(msg []byte, want protowire.Number) ([]byte, bool) {
	var found []byte
	ok := false
	for len(msg) > 0 {
		num, typ, n := protowire.ConsumeTag(msg)
		if n < 0 {
			return nil, false
		}
		msg = msg[n:]
		if typ == protowire.BytesType {
			v, m := protowire.ConsumeBytes(msg)
			if m < 0 {
				return nil, false
			}
			if num == want {
				found, ok = v, true
			}
			msg = msg[m:]
			continue
		}
		m := protowire.ConsumeFieldValue(num, typ, msg)
		if m < 0 {
			return nil, false
		}
		msg = msg[m:]
	}
	return found, ok
}

// pluginDirectory is the plugin's folder: info.program_directory from a current engine, else
// the request's own program field (an engine of v3.68.0's time).
func pluginDirectory(req *pulumirpc.RunPluginRequest) (string, error) {
	if info, ok := fieldBytes(req.ProtoReflect().GetUnknown(), runPluginRequestInfoField); ok {
		if dir, ok := fieldBytes(info, programInfoProgramDir); ok && len(dir) > 0 {
			return string(dir), nil
		}
	}
	if req.GetProgram() != "" {
		return req.GetProgram(), nil
	}
	return "", errors.New("RunPlugin: the request names no plugin folder")
}

func (host *nodeLanguageHost) RunPlugin(
	req *pulumirpc.RunPluginRequest, server pulumirpc.LanguageRuntime_RunPluginServer,
) error {
	dir, err := pluginDirectory(req)
	if err != nil {
		return err
	}
	if !filepath.IsAbs(dir) && req.GetPwd() != "" {
		dir = filepath.Join(req.GetPwd(), dir)
	}
	nodeBin, err := exec.LookPath("node")
	if err != nil {
		return err
	}
	runPath, err := locateModuleFrom(dir, "@pulumi/pulumi/cmd/run-policy-pack", nodeBin)
	if err != nil {
		return errors.New("could not find @pulumi/pulumi/cmd/run-policy-pack from " + dir + ": is the pack's SDK installed?")
	}

	var sending sync.Mutex // stdout and stderr are copied by two goroutines; a gRPC stream takes one sender
	send := func(r *pulumirpc.RunPluginResponse) error {
		sending.Lock()
		defer sending.Unlock()
		return server.Send(r)
	}
	cmd := exec.Command(nodeBin, append(append([]string{runPath}, req.GetArgs()...), dir)...)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), req.GetEnv()...), "PULUMI_NODEJS_TYPESCRIPT=true")
	cmd.Stdout = streamWriter(func(b []byte) error {
		return send(&pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stdout{Stdout: b}})
	})
	cmd.Stderr = streamWriter(func(b []byte) error {
		return send(&pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stderr{Stderr: b}})
	})
	code := int32(0)
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if !errors.As(err, &exit) {
			return err
		}
		code = int32(exit.ExitCode())
	}
	return send(&pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Exitcode{Exitcode: code}})
}

// locateModuleFrom resolves a module the way `require` does from dir.
func locateModuleFrom(dir, mod, nodeBin string) (string, error) {
	cmd := exec.Command(nodeBin, "-e", "console.log(require.resolve(process.argv[1]))", mod)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return "", err
	}
	return string(trimNewline(out)), nil
}

func trimNewline(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}

type streamWriter func([]byte) error

func (w streamWriter) Write(p []byte) (int, error) {
	// The gRPC message may outlive this call: send a copy.
	if err := w(append([]byte(nil), p...)); err != nil {
		return 0, err
	}
	return len(p), nil
}
