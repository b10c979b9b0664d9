{{/* Names and the pieces every workload shares. */}}

{{- define "meldcode.labels" -}}
app.kubernetes.io/part-of: meldcode
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
{{- end }}

{{- define "meldcode.selector" -}}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/name: {{ .name }}
{{- end }}

{{- define "meldcode.kafkaCluster" -}}{{ .Release.Name }}-kafka{{- end }}
{{- define "meldcode.pgCluster" -}}{{ .Release.Name }}-pg{{- end }}

{{- define "meldcode.image" -}}
{{ .Values.image.repository }}:{{ required "image.tag is required" .Values.image.tag }}
{{- end }}

{{/* The Secret name of a PostgreSQL role: passwordSecretPrefix + the role with _ as -. */}}
{{- define "meldcode.roleSecret" -}}
{{ .root.Values.postgresql.passwordSecretPrefix }}{{ .role | replace "_" "-" }}
{{- end }}

{{/* An env var with a role's password, named PG_<ROLE>_PASSWORD (the chart's own, not a setting), for $(...) in the URLs below. */}}
{{- define "meldcode.rolePasswordEnv" -}}
- name: PG_{{ .role | upper }}_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "meldcode.roleSecret" . }}
      key: password
{{- end }}

{{/* postgresql://<role>:$(PG_<ROLE>_PASSWORD)@<cluster>-rw:5432/<database> (the read-write service). */}}
{{- define "meldcode.databaseUrl" -}}
postgresql://{{ .role }}:$(PG_{{ .role | upper }}_PASSWORD)@{{ include "meldcode.pgCluster" .root }}-rw:5432/{{ .database }}
{{- end }}

{{/* Kafka as the service's own SCRAM principal over TLS (Strimzi's user Secret and cluster CA). */}}
{{- define "meldcode.kafkaEnv" -}}
- name: KAFKA_BOOTSTRAP_SERVERS
  value: {{ include "meldcode.kafkaCluster" .root }}-kafka-bootstrap:9093
- name: KAFKA_SECURITY_PROTOCOL
  value: SASL_SSL
- name: KAFKA_SASL_USERNAME
  value: {{ .service }}
- name: KAFKA_SASL_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ .service }}
      key: password
- name: KAFKA_SSL_CAFILE
  value: /etc/meldcode/kafka-ca/ca.crt
{{- end }}

{{/* Everything a service process reads: its database, the key store, Kafka (unless noKafka: the
  migrations, which must not wait for Kafka's user Secrets), tokens, the master key. */}}
{{- define "meldcode.serviceEnv" -}}
{{- $root := .root }}
{{- $svc := .service }}
{{- $upper := $svc | upper }}
{{- $role := printf "meldcode_%s" $svc }}
{{ include "meldcode.rolePasswordEnv" (dict "root" $root "role" $role) }}
- name: {{ $upper }}_DATABASE_URL
  value: {{ include "meldcode.databaseUrl" (dict "root" $root "role" $role "database" (printf "meldcode_%s" $svc)) | quote }}
- name: MELDCODE_KEYSTORE_URL
  value: {{ include "meldcode.databaseUrl" (dict "root" $root "role" $role "database" "meldcode_keys") | quote }}
- name: MELDCODE_MASTER_KEY
  valueFrom:
    secretKeyRef:
      name: {{ $root.Values.masterKey.existingSecret }}
      key: {{ $root.Values.masterKey.key }}
{{- if not .noKafka }}
{{ include "meldcode.kafkaEnv" (dict "root" $root "service" $svc) }}
{{- end }}
- name: AUTH_OIDC_ISSUER
  value: {{ required "identityProvider.issuer is required" $root.Values.identityProvider.issuer | quote }}
- name: AUTH_AUDIENCE
  value: {{ $root.Values.identityProvider.audience | quote }}
- name: LOG_LEVEL
  value: {{ $root.Values.logLevel | quote }}
- name: {{ $upper }}_HTTP_HOST
  value: 0.0.0.0
- name: {{ $upper }}_HTTP_PORT
  value: {{ (get $root.Values.services $svc).port | quote }}
- name: MELDCODE_TRUSTED_PROXIES
  value: {{ $root.Values.ingress.trustedProxies | quote }}
- name: MELDCODE_BEHIND_TLS
  value: {{ $root.Values.ingress.behindTls | quote }}
{{- with $root.Values.service.database }}
- name: MELDCODE_DB_POOL_MIN
  value: {{ .poolMin | quote }}
- name: MELDCODE_DB_POOL_MAX
  value: {{ .poolMax | quote }}
- name: MELDCODE_EVENTSTORE_POOL_SIZE
  value: {{ .eventStorePoolSize | quote }}
- name: MELDCODE_EVENTSTORE_POOL_OVERFLOW
  value: {{ .eventStorePoolOverflow | quote }}
- name: MELDCODE_KEYSTORE_POOL_MAX
  value: {{ .keyStorePoolMax | quote }}
- name: MELDCODE_DB_KEEPALIVES_IDLE_SECONDS
  value: {{ .keepalivesIdleSeconds | quote }}
- name: MELDCODE_DB_KEEPALIVES_INTERVAL_SECONDS
  value: {{ .keepalivesIntervalSeconds | quote }}
- name: MELDCODE_DB_KEEPALIVES_COUNT
  value: {{ .keepalivesCount | quote }}
- name: MELDCODE_DB_TCP_USER_TIMEOUT_MS
  value: {{ .tcpUserTimeoutMs | quote }}
{{- end }}
{{- range $name, $value := (get $root.Values.services $svc).env }}
- name: {{ $name }}
  value: {{ $value | quote }}
{{- end }}
{{- end }}

{{/* The Kafka cluster CA that clients trust (Strimzi keeps it in <cluster>-cluster-ca-cert). */}}
{{- define "meldcode.kafkaCaVolume" -}}
- name: kafka-ca
  secret:
    secretName: {{ include "meldcode.kafkaCluster" . }}-cluster-ca-cert
    items:
      - key: ca.crt
        path: ca.crt
{{- end }}

{{- define "meldcode.kafkaCaMount" -}}
- name: kafka-ca
  mountPath: /etc/meldcode/kafka-ca
  readOnly: true
{{- end }}

{{- define "meldcode.podSecurity" -}}
securityContext:
  runAsNonRoot: true
  runAsUser: 10001
  runAsGroup: 10001
  seccompProfile:
    type: RuntimeDefault
{{- end }}

{{- define "meldcode.containerSecurity" -}}
securityContext:
  allowPrivilegeEscalation: false
  readOnlyRootFilesystem: true
  capabilities:
    drop: [ALL]
{{- end }}
