/** Abuse limits shared by all instances: {@link dev.verimail.registration.limit.AbuseLimits}. */
package dev.verimail.registration.limit;
