# Reference values for tests/analysis/test_needs.py (Borich MWDS, its CI, ranks, Locus for Focus).
# Run from the repository root: Rscript tests/analysis/r/needs_reference.R
# Writes tests/analysis/data/needs_sim.csv (the data) and prints one line per competency.
# Base R only (R 4.2.2). Pairwise deletion per competency; CI = Ibar * (dbar -/+ qt(.975, n-1) sd(d)/sqrt(n)).
options(digits = 15)
set.seed(17)
n <- 40
comp <- c("communication", "conflict_management", "digital_government", "managing_change")
x <- data.frame(id = sprintf("R%02d", 1:n), ministry = rep(c("Health", "Education", "Interior"), c(25, 12, 3)))
for (k in comp) {
  imp <- sample(2:5, n, replace = TRUE, prob = c(.1, .2, .35, .35))
  cpt <- pmax(1, pmin(5, imp - sample(0:3, n, replace = TRUE)))
  imp[sample(n, 4)] <- NA   # missing answers
  cpt[sample(n, 3)] <- NA
  x[[paste0(k, ".importance")]] <- imp
  x[[paste0(k, ".competence")]] <- cpt
}
write.csv(x, "tests/analysis/data/needs_sim.csv", row.names = FALSE, na = "")
borich <- function(x, comp) {
  out <- do.call(rbind, lapply(comp, function(k) {
    i <- x[[paste0(k, ".importance")]]; cc <- x[[paste0(k, ".competence")]]
    ok <- !is.na(i) & !is.na(cc); d <- i[ok] - cc[ok]; m <- length(d)
    ib <- mean(i[ok]); half <- qt(0.975, m - 1) * sd(d) / sqrt(m)
    data.frame(competency = k, n = m, importance = ib, competence = mean(cc[ok]), discrepancy = mean(d),
               mwds = ib * mean(d), low = ib * (mean(d) - half), high = ib * (mean(d) + half))
  }))
  out$rank <- rank(-out$mwds, ties.method = "min")
  out$quadrant <- paste0(ifelse(out$importance > mean(out$importance), "H", "L"),
                         ifelse(out$discrepancy > mean(out$discrepancy), "H", "L"))
  out
}
print(borich(x, comp), digits = 15)
cat("---- Health only\n")
print(borich(x[x$ministry == "Health", ], comp), digits = 15)
