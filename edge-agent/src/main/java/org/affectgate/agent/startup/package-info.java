/**
 * The checks the agent makes before it starts, shared by {@code run} and {@code check-config} so
 * that the two can never disagree: {@link org.affectgate.agent.startup.StartupChecks}.
 */
package org.affectgate.agent.startup;
