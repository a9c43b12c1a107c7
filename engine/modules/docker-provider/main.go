// pulumi-resource-docker: the Terraform docker provider served through the Pulumi
// Terraform bridge, for the locked npm SDK @pulumi/docker 5.2.0.
package main

import (
	_ "embed"

	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge"

	"hybrid-vnf/engine/docker-provider/dockerinfo"
)

// schema.json is generated at build time by cmd/docker-schemagen (see engine/steps/docker-provider.sh).
//
//go:embed schema.json
var schema []byte

func main() {
	tfbridge.Main("docker", dockerinfo.Version, dockerinfo.Provider(), schema)
}
