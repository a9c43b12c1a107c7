package commandinfo

import (
	"reflect"
	"testing"

	p "github.com/pulumi/pulumi-go-provider"
)

func TestAChangedTriggerReplacesAndOtherChangesUpdate(t *testing.T) {
	resp := ReplaceOnChangesOf(p.DiffResponse{HasChanges: true, DetailedDiff: map[string]p.PropertyDiff{
		"triggers[0]":          {Kind: p.Update},
		"triggers[1]":          {Kind: p.Add},
		"environment.TRIGGER":  {Kind: p.Update},
		"triggersAreNotNested": {Kind: p.Update},
	}}, "triggers")
	want := map[string]p.DiffKind{"triggers[0]": p.UpdateReplace, "triggers[1]": p.AddReplace, "environment.TRIGGER": p.Update, "triggersAreNotNested": p.Update}
	for path, kind := range want {
		if got := resp.DetailedDiff[path].Kind; got != kind {
			t.Errorf("%s: %s, want %s", path, got, kind)
		}
	}
}

func TestTheProviderHasTheSDKsCommandResource(t *testing.T) {
	if _, err := Provider(); err != nil {
		t.Fatal(err)
	}
}

func TestVerbosityAboveEightIsLowered(t *testing.T) {
	got := CapVerbosity([]string{"pulumi-resource-command", "-v=9", "--logtostderr", "--v=3", "-verbose=10", "127.0.0.1:1234"})
	want := []string{"pulumi-resource-command", "-v=8", "--logtostderr", "--v=3", "-verbose=8", "127.0.0.1:1234"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v want %v", got, want)
	}
}
