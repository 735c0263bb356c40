# Reference values for tests/analysis/test_repeated.py.
# Run from tests/analysis:
#   PINGOUIN_DATASETS=$(python -c "import pingouin, os; print(os.path.dirname(pingouin.__file__))")/datasets \
#   Rscript r/repeated_reference.R
# R 4.2.2, afex 1.2-1, lme4 1.1-31, lmerTest, emmeans (Debian r-cran-* packages).
suppressMessages({library(afex); library(lmerTest); library(emmeans)})
options(digits = 15)

to_long <- function(w, complete = TRUE) {
  if (complete) w <- w[complete.cases(w[, -1]), ]
  k <- ncol(w) - 1
  long <- reshape(w, direction = "long", varying = list(2:(k + 1)), v.names = "score",
                  timevar = "wave", times = names(w)[2:(k + 1)], idvar = "id")
  long <- long[!is.na(long$score), ]
  long$wave <- factor(long$wave, levels = names(w)[2:(k + 1)])
  long$id <- factor(long$id)
  long
}

complete_case <- function(w) {
  long <- to_long(w)
  a <- aov_ez("id", "score", long, within = "wave",
              anova_table = list(es = c("pes", "ges"), correction = "none"))
  print(a$anova_table)
  print(summary(a)$pval.adjustments)
  cc <- as.matrix(w[complete.cases(w[, -1]), -1])
  print(friedman.test(cc)[c("statistic", "p.value")])
  print(pairwise.t.test(long$score, long$wave, paired = TRUE, p.adjust.method = "holm")$p.value)
  k <- ncol(cc)
  for (i in 1:(k - 1)) for (j in (i + 1):k) {
    tt <- t.test(cc[, j], cc[, i], paired = TRUE)
    d <- cc[, j] - cc[, i]
    print(c(i = i, j = j, t = unname(tt$statistic), p = tt$p.value, dz = mean(d) / sd(d)))
  }
}

mixed <- function(w) {
  long <- to_long(w, complete = FALSE)
  m <- lmer(score ~ wave + (1 | id), data = long, REML = TRUE)
  print(REMLcrit(m))
  print(as.data.frame(VarCorr(m))[, c("grp", "vcov")])
  print(summary(m)$coefficients)
  print(anova(m)[, c("F value", "NumDF", "DenDF", "Pr(>F)")])
  print(as.data.frame(summary(emmeans(m, ~wave, lmer.df = "satterthwaite"))))
  print(as.data.frame(confint(contrast(emmeans(m, ~wave, lmer.df = "satterthwaite"),
                                       "trt.vs.ctrl", adjust = "none"))))
}

cat("==== four participants\n")
tiny <- data.frame(id = 1:4, pre = c(3.0, 2.5, 4.0, 3.5), post = c(3.5, 3.5, 4.5, 3.5),
                   followup = c(4.0, 3.0, 4.5, 4.0))
complete_case(tiny)
mixed(tiny)

cat("==== waves_small.csv\n")
small <- read.csv("data/waves_small.csv")
complete_case(small)
mixed(small)

cat("==== pingouin rm_anova_wide (singular fit)\n")
pw <- read.csv(file.path(Sys.getenv("PINGOUIN_DATASETS"), "rm_anova_wide.csv"), check.names = FALSE)
pw <- cbind(id = seq_len(nrow(pw)), pw)
complete_case(pw)
mixed(pw)

cat("==== waves_sim.csv (mixed model only)\n")
sim <- read.csv("data/waves_sim.csv")
complete_case(sim)
mixed(sim)

cat("==== holm\n")
print(p.adjust(c(0.01, 0.04, 0.03, 0.005, NA), "holm"))

cat("==== large participant variance (shift invariance test)\n")
big <- data.frame(id = 1:6, pre = c(1, 2, 3, 4, 1000.1, 1000.2), post = c(1.5, 2.5, 3.5, 4.5, 1001, 1000.4),
                  followup = c(2, 3, 4, 5, NA, 999))
mixed(big)
