# Reference values for tests/analysis/test_invariance.py and tests/analysis/test_cfa.py.
# Run from the repository root: Rscript tests/analysis/r/invariance_reference.R
# R 4.2.2, lavaan 0.6.14, jsonlite 1.8.4 (Debian r-cran-lavaan, r-cran-jsonlite).
# Writes tests/analysis/data/invariance_sim.csv (the simulated data) and
# tests/analysis/data/invariance_reference.json (lavaan's fit of every model the tests compare).
suppressMessages({library(lavaan); library(MASS); library(jsonlite)})
set.seed(20240616)

# ---- simulated data: 4 items of one subscale, answered 1-5 at pre, post and follow-up, two languages.
# True model: loadings .8 .7 .6 .75, residual SD .6, residual correlation .3 between an item's waves;
# the factor mean rises .5 at post and .4 at follow-up; item i3 reads .45 higher after the training
# (a response shift: its intercept is not invariant across waves); in Khmer item i4 reads .5 higher.
n <- 420
waves <- c("pre", "post", "followup")
items <- paste0("i", 1:4)
lambda <- c(.8, .7, .6, .75)
nu <- c(3.0, 3.2, 2.9, 3.1)
factor_cov <- matrix(c(1, .6, .5, .6, 1.1, .6, .5, .6, 1.1), 3)
eta <- mvrnorm(n, mu = c(0, .5, .4), Sigma = factor_cov)
resid_cor <- matrix(.3, 3, 3); diag(resid_cor) <- 1
language <- ifelse(runif(n) < .4, "en", "km")
data <- data.frame(id = sprintf("P%03d", 1:n), language = language)
for (j in 1:4) {
  e <- mvrnorm(n, rep(0, 3), .36 * resid_cor)
  for (t in 1:3) {
    shift <- (j == 3 && t > 1) * .45 + (j == 4) * .5 * (language == "km")
    x <- nu[j] + shift + lambda[j] * eta[, t] + e[, t]
    data[[paste0(waves[t], "_", items[j])]] <- pmin(pmax(round(x), 1), 5)
  }
}
# attrition: about a fifth miss the follow-up; two people skipped one post item
gone <- runif(n) < .2
for (it in items) data[[paste0("followup_", it)]][gone] <- NA
data$post_i2[c(7, 99)] <- NA
write.csv(data, "tests/analysis/data/invariance_sim.csv", row.names = FALSE, na = "")

# ---- longitudinal models, written out (no lavaan defaults hidden): factor variance 1 at the first
# wave, loadings all free; metric: loadings equal over waves (labels), later variances free; scalar:
# intercepts equal too, later factor means free. Residuals of one item correlate across waves.
long_model <- function(ws, level, free_load = character(), free_int = character()) {
  lines <- character()
  for (t in seq_along(ws)) {
    w <- ws[t]; f <- paste0("F", t)
    lfree <- if (level == "configural") items else free_load
    ifree <- if (level == "scalar") free_int else items
    loads <- sapply(items, function(it) paste0(if (it %in% lfree) paste0("l_", it, "_", w) else paste0("l_", it), "*", w, "_", it))
    lines <- c(lines, paste0(f, " =~ ", paste(loads, collapse = " + ")))
    ints <- sapply(items, function(it) paste0(w, "_", it, " ~ ", if (it %in% ifree) paste0("t_", it, "_", w) else paste0("t_", it), "*1"))
    lines <- c(lines, ints)
    lines <- c(lines, if (t == 1 || level == "configural") paste0(f, " ~~ 1*", f) else paste0(f, " ~~ ", f))
    lines <- c(lines, if (t == 1 || level != "scalar") paste0(f, " ~ 0*1") else paste0(f, " ~ 1"))
  }
  for (it in items) for (a in 1:(length(ws) - 1)) for (b in (a + 1):length(ws))
    lines <- c(lines, paste0(ws[a], "_", it, " ~~ ", ws[b], "_", it))
  paste(lines, collapse = "\n")
}
fit_long <- function(ws, level, ...) {
  cols <- as.vector(outer(ws, items, paste, sep = "_"))
  lavaan(long_model(ws, level, ...), data = data[complete.cases(data[, cols]), cols],
         meanstructure = TRUE, auto.var = TRUE, auto.cov.lv.x = TRUE, auto.fix.first = FALSE)
}
summary_of <- function(fit) {
  m <- fitMeasures(fit, c("chisq", "df", "pvalue", "cfi", "rmsea", "baseline.chisq", "baseline.df"))
  pe <- parameterEstimates(fit)
  load <- pe[pe$op == "=~", ]
  list(chisq = unname(m["chisq"]), df = unname(m["df"]), pvalue = unname(m["pvalue"]),
       cfi = unname(m["cfi"]), rmsea = unname(m["rmsea"]), baseline_chisq = unname(m["baseline.chisq"]),
       baseline_df = unname(m["baseline.df"]), n = lavInspect(fit, "ntotal"),
       loadings = setNames(as.list(load$est), paste0(load$group, ":", load$lhs, ":", load$rhs)),
       converged = lavInspect(fit, "converged"))
}
lrt <- function(a, b) {
  x <- lavTestLRT(a, b)
  list(chisq_diff = x[2, "Chisq diff"], df_diff = x[2, "Df diff"], p_value = x[2, "Pr(>Chisq)"])
}
out <- list()
for (ws in list(waves, waves[1:2])) {
  key <- paste(ws, collapse = ",")
  fits <- lapply(c(configural = "configural", metric = "metric", scalar = "scalar"), function(l) fit_long(ws, l))
  res <- lapply(fits, summary_of)
  res$metric_vs_configural <- lrt(fits$metric, fits$configural)
  res$scalar_vs_metric <- lrt(fits$scalar, fits$metric)
  # each item's intercepts freed in turn (the search for the worst constraint), and loadings likewise
  res$scalar_free_one <- lapply(setNames(items, items), function(it) summary_of(fit_long(ws, "scalar", free_int = it))$chisq)
  res$metric_free_one <- lapply(setNames(items, items), function(it) summary_of(fit_long(ws, "metric", free_load = it))$chisq)
  res$scalar_free_i3 <- summary_of(fit_long(ws, "scalar", free_int = "i3"))
  out$waves[[key]] <- res
}

# ---- languages at the pretest: lavaan's own multi-group conventions (std.lv = TRUE; group.equal frees
# the later groups' factor variances and means), reference group "en".
mg_model <- paste0("F =~ ", paste0("pre_", items, collapse = " + "))
pre <- data[complete.cases(data[, paste0("pre_", items)]), ]
fit_mg <- function(equal, partial = character()) {
  cfa(mg_model, data = pre, group = "language", group.label = c("en", "km"), std.lv = TRUE,
      meanstructure = TRUE, group.equal = equal, group.partial = partial)
}
mg <- list(configural = fit_mg(""), metric = fit_mg("loadings"),
           scalar = fit_mg(c("loadings", "intercepts")))
res <- lapply(mg, summary_of)
res$metric_vs_configural <- lrt(mg$metric, mg$configural)
res$scalar_vs_metric <- lrt(mg$scalar, mg$metric)
res$scalar_free_one <- lapply(setNames(items, items), function(it)
  summary_of(fit_mg(c("loadings", "intercepts"), paste0("pre_", it, " ~ 1")))$chisq)
res$scalar_free_i4 <- summary_of(fit_mg(c("loadings", "intercepts"), "pre_i4 ~ 1"))
out$languages <- res
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE), "tests/analysis/data/invariance_reference.json")
cat("written\n")
