// pulumi-resource-command: command:remote:Command of the locked npm SDK @pulumi/command, on
// pulumi-go-provider and golang.org/x/crypto/ssh (pulumi-command's own provider module is not
// served by the Go module proxy).
package main

import (
	"context"
	"fmt"
	"os"

	"hybrid-vnf/engine/command-provider/commandinfo"
)

func main() {
	if len(os.Args) == 2 && os.Args[1] == "-version" {
		fmt.Println(commandinfo.Version)
		return
	}
	// Before the SDK parses them: no secret in the logs, even with -v=9 (see CapVerbosity).
	os.Args = commandinfo.CapVerbosity(os.Args)
	p, err := commandinfo.Provider()
	if err == nil {
		err = p.Run(context.Background(), "command", commandinfo.Version)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "pulumi-resource-command:", err)
		os.Exit(1)
	}
}
