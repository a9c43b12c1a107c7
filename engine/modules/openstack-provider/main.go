// pulumi-resource-openstack: the Terraform OpenStack provider v1.54.1 served through the Pulumi
// Terraform bridge, for the locked npm SDK @pulumi/openstack 3.15.2.
package main

import (
	_ "embed"

	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge"

	"hybrid-vnf/engine/openstack-provider/openstackinfo"
)

// schema.json is generated at build time by cmd/openstack-schemagen (see engine/steps/openstack-provider.sh).
//
//go:embed schema.json
var schema []byte

func main() {
	tfbridge.Main("openstack", openstackinfo.Version, openstackinfo.Provider(), schema)
}
