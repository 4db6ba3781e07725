package dev.shopstream.pipeline.kcl;

/** How much of KCL's own metrics the worker records (KCL's levels, by name: this package knows no KCL). */
public enum KclMetricsLevel { NONE, SUMMARY, DETAILED }
