package pulumishim

import (
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-sdk/v2/helper/schema"
	"github.com/terraform-providers/terraform-provider-docker/internal/provider"
)

// taskSpec is a task_spec value as the SDK reads it: one element with a networks_advanced set.
func taskSpec(entries ...map[string]interface{}) interface{} {
	res := provider.New("test")().ResourcesMap["docker_service"].Schema["task_spec"].Elem.(*schema.Resource).Schema["networks_advanced"].Elem.(*schema.Resource)
	list := make([]interface{}, len(entries))
	for i, e := range entries {
		list[i] = e
	}
	return []interface{}{map[string]interface{}{"networks_advanced": schema.NewSet(schema.HashResource(res), list)}}
}

func entry(name, id string) map[string]interface{} {
	return map[string]interface{}{"name": name, "id": id, "aliases": schema.NewSet(schema.HashString, nil), "driver_opts": schema.NewSet(schema.HashString, nil)}
}

func TestTheNamesTheStateGaveAreKeptForTheIDsTheyResolveTo(t *testing.T) {
	before := taskSpec(entry("lb-net", ""), entry("", "keepme"))
	if got := NamedNetworks(before); !reflect.DeepEqual(got, []string{"lb-net"}) {
		t.Fatalf("named networks: %v", got)
	}
	read := taskSpec(entry("", "0123abcd"), entry("", "keepme"))
	after, changed := WithNetworkNames(read, map[string]string{"0123abcd": "lb-net"})
	if !changed {
		t.Fatal("not changed")
	}
	got := map[string]string{}
	for _, e := range networkEntries(after) {
		got[e["name"].(string)] = e["id"].(string)
	}
	if want := map[string]string{"lb-net": "", "": "keepme"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("entries %v, want %v", got, want)
	}
	// The set hashes as the program's own value does, so the engine sees no difference.
	if a, b := after.([]interface{})[0].(map[string]interface{})["networks_advanced"].(*schema.Set), before.([]interface{})[0].(map[string]interface{})["networks_advanced"].(*schema.Set); !a.Equal(b) {
		t.Fatalf("after %v differs from the program's %v", a.List(), b.List())
	}
}

func TestAnIDNoNameResolvesToStaysAnID(t *testing.T) {
	read := taskSpec(entry("", "feedbeef"))
	if _, changed := WithNetworkNames(read, map[string]string{"0123abcd": "lb-net"}); changed {
		t.Fatal("an unknown ID was renamed")
	}
	if _, changed := WithNetworkNames([]interface{}{}, nil); changed {
		t.Fatal("an empty task_spec changed")
	}
}

func TestTheNameIsNotDeprecated(t *testing.T) {
	svc := New("test").ResourcesMap["docker_service"]
	name := svc.Schema["task_spec"].Elem.(*schema.Resource).Schema["networks_advanced"].Elem.(*schema.Resource).Schema["name"]
	if name.Deprecated != "" {
		t.Fatalf("deprecated: %q", name.Deprecated)
	}
}
