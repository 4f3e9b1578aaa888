package links

import "testing"

// TestTypeRules: one row per combination of owner / linker /
// privileged / the two toggles.
func TestTypeRules(t *testing.T) {
	for _, ownerMay := range []bool{false, true} {
		for _, linkerMay := range []bool{false, true} {
			for _, owner := range []bool{false, true} {
				for _, linker := range []bool{false, true} {
					for _, priv := range []bool{false, true} {
						want := priv || ownerMay && owner || linkerMay && linker
						ok, why := unlinkAllowed(TypeRule{OwnerMay: ownerMay, LinkerMay: linkerMay}, owner, linker, priv)
						if ok != want || ok != (why == "") {
							t.Errorf("ownerMay=%v linkerMay=%v owner=%v linker=%v privileged=%v: %v %q, want %v",
								ownerMay, linkerMay, owner, linker, priv, ok, why, want)
						}
					}
				}
			}
		}
	}
	_, why := unlinkAllowed(TypeRule{OwnerMay: true}, false, true, false)
	if why != "Only the record's owner, a system administrator or customizer can unlink this chat." {
		t.Errorf("reason: %q", why)
	}
}
