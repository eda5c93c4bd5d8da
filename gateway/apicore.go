package gateway

import (
	"net/url"

	"github.com/sharpeyes/sharpeyes/gateway/auth"
	"github.com/sharpeyes/sharpeyes/gateway/httpapi"
)

// apiCore adapts the gateway to httpapi.Core, whose calls answer with any.
type apiCore struct{ *Gateway }

var _ httpapi.Core = apiCore{}

func (c apiCore) RuleHistory(p auth.Principal, id string) (any, error) { return c.RuleVersions(p, id) }

func (c apiCore) AlertList(p auth.Principal, q url.Values) (any, error) { return c.ListAlerts(p, q) }
func (c apiCore) PlateSearch(p auth.Principal, q url.Values) (any, error) {
	return c.SearchPlates(p, q)
}

func (c apiCore) AlertDoc(p auth.Principal, id string) (any, error) { return c.Alert(p, id) }

func (c apiCore) Transition(p auth.Principal, id string, body []byte, ifState string) (any, error) {
	return c.TransitionAlert(p, id, body, ifState)
}

func (c apiCore) Attachment(p auth.Principal, id string, seq int) (httpapi.File, error) {
	a, err := c.AlertAttachment(p, id, seq)
	return httpapi.File{Name: a.Name, ContentType: a.ContentType, Data: a.Data}, err
}

func (c apiCore) AuditLog(p auth.Principal, q url.Values) (any, error) { return c.AuditEntries(p, q) }

func (c apiCore) UserList(p auth.Principal) (any, error) { return c.UserDocs(p) }

func (c apiCore) PutUser(p auth.Principal, name string, body []byte, create bool) (any, error) {
	return c.SaveUser(p, name, body, create)
}
