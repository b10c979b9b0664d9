#!/usr/bin/env bash
# Validates the Helm chart for both values files: `helm lint --strict`, then `helm template` through
# `kubeconform -strict` against the committed schemas of the Kubernetes, Strimzi and CloudNativePG
# kinds (schemas/, made by schemas/generate.sh; nothing is fetched at validation time).
#   validate.sh            lint and validate values-small.yaml and values-large.yaml
#   validate.sh install    only build the pinned tools (deploy/local/setup.sh does this)
#   validate.sh render F   print the manifests of values file F
# helm and kubeconform are built from their pinned Go modules, once, into
# $MELDCODE_CACHE_DIR/go-tools/<tool>-<version>/ (at the lowest CPU priority).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$here/../local/env.sh"
HELM_VERSION=v4.3.2
KUBECONFORM_VERSION=v0.8.0
tools="$MELDCODE_CACHE_DIR/go-tools"
chart="$here/meldcode"

go_install() {  # go_install NAME MODULE VERSION: prints the binary's path, building it if missing
  local name="$1" module="$2" version="$3" dir="$tools/$1-$3"
  if [ ! -x "$dir/$name" ]; then
    local go; go=$(command -v go || echo /usr/local/go/bin/go)
    [ -x "$go" ] || { echo "helm: Go 1.26 or newer is required to build $name $version (go install)" >&2; exit 1; }
    echo "helm: building $name $version from its Go module into $dir (once)" >&2
    mkdir -p "$dir"
    GOBIN="$dir" nice -n 19 "$go" install "$module@$version" >&2
  fi
  echo "$dir/$name"
}

helm=$(go_install helm helm.sh/helm/v4/cmd/helm "$HELM_VERSION")
kubeconform=$(go_install kubeconform github.com/yannh/kubeconform/cmd/kubeconform "$KUBECONFORM_VERSION")
# helm keeps no state between runs here: its cache and config go to a throw-away directory
helm_home=$(mktemp -d); trap 'rm -rf "$helm_home"' EXIT
export HELM_CACHE_HOME="$helm_home/cache" HELM_CONFIG_HOME="$helm_home/config" HELM_DATA_HOME="$helm_home/data"

render() { "$helm" template meldcode "$chart" --namespace meldcode -f "$1"; }

case "${1:-all}" in
  install) exit 0 ;;
  render) render "$2"; exit 0 ;;
  all) ;;
  *) echo "usage: $0 [install | render VALUES]" >&2; exit 2 ;;
esac
for values in "$here/values-small.yaml" "$here/values-large.yaml"; do
  echo "== $(basename "$values")"
  "$helm" lint --strict "$chart" -f "$values"
  render "$values" | "$kubeconform" -strict -summary \
    -schema-location "$here/schemas/{{ .ResourceKind }}{{ .KindSuffix }}.json" -
done
