// Package tracing compares the cost per call of ext/tracing's client and
// server layers with otelgrpc's stats handlers, driven with the events grpc
// delivers for one unary call, both on the same OpenTelemetry SDK set-up.
package tracing
