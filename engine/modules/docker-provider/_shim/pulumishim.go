// Package pulumishim exports the upstream provider's constructor (kept in internal/) to the Pulumi wrapper.
package pulumishim

import (
	"github.com/hashicorp/terraform-plugin-sdk/v2/helper/schema"
	"github.com/terraform-providers/terraform-provider-docker/internal/provider"
)

// New returns the upstream SDKv2 provider.
func New(version string) *schema.Provider { return provider.New(version)() }
