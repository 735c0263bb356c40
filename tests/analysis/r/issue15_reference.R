# Reference values for the statistics added by issue 15 (points 2-6), used by
# test_issue15.py. Run from tests/analysis: Rscript r/issue15_reference.R
# R 4.2.2, psych 2.2.9, lavaan 0.6, car/afex 1.2-1, effectsize 0.8.3 (Debian r-cran-*).
suppressMessages({library(psych); library(lavaan); library(afex)})
options(digits = 15)

cat("==== g_z on sleep: effectsize::hedges_g(post - pre)\n")
s2 <- reshape(sleep, direction = "wide", idvar = "ID", timevar = "group")
print(as.data.frame(effectsize::hedges_g(s2$extra.2 - s2$extra.1)))

cat("==== sphericity, four waves (car via afex)\n")
four <- data.frame(id = 1:12,
  w1 = c(3.1, 2.8, 3.6, 2.9, 3.3, 3.0, 2.5, 3.8, 3.2, 2.7, 3.4, 3.0),
  w2 = c(3.5, 3.4, 3.7, 3.6, 3.3, 3.9, 3.0, 4.1, 3.5, 3.6, 3.8, 3.2),
  w3 = c(3.6, 3.1, 4.2, 3.3, 3.9, 3.5, 2.6, 4.6, 3.4, 3.0, 4.1, 3.7),
  w4 = c(3.3, 3.5, 3.9, 3.8, 3.0, 4.4, 3.2, 4.0, 3.9, 3.5, 3.6, 3.1))
long <- reshape(four, direction = "long", varying = list(2:5), v.names = "score",
                timevar = "wave", times = names(four)[2:5], idvar = "id")
long$wave <- factor(long$wave); long$id <- factor(long$id)
s <- suppressWarnings(summary(aov_ez("id", "score", long, within = "wave")))
print(s$univariate.tests); print(s$sphericity.tests); print(s$pval.adjustments)
cat("---- waves_small.csv\n")
small <- read.csv("data/waves_small.csv")
small <- small[complete.cases(small), ]
long <- reshape(small, direction = "long", varying = list(2:4), v.names = "score",
                timevar = "wave", times = names(small)[2:4], idvar = "id")
long$wave <- factor(long$wave, levels = names(small)[2:4]); long$id <- factor(long$id)
s <- suppressWarnings(summary(aov_ez("id", "score", long, within = "wave")))
print(s$sphericity.tests); print(s$pval.adjustments)

cat("==== attrition tests (then_attrition_reference.R data)\n")
score <- c(3.1, 3.6, 2.8, 4.0, 3.3, 3.9, 2.5, 3.0, 3.7, 3.4, 2.9, 3.8)
kept  <- c(TRUE, TRUE, FALSE, TRUE, TRUE, TRUE, FALSE, FALSE, TRUE, TRUE, FALSE, TRUE)
st <- t.test(score[kept], score[!kept], var.equal = TRUE)
wt <- t.test(score[kept], score[!kept])
mw <- wilcox.test(score[kept], score[!kept])
print(c(t_student = unname(st$statistic), p_student = st$p.value,
        t_welch = unname(wt$statistic), df_welch = unname(wt$parameter), p_welch = wt$p.value,
        W = unname(mw$statistic), p_mw = mw$p.value))
cat(mw$method, "\n")
print(effectsize::rank_biserial(score[kept], score[!kept])$r_rank_biserial)

cat("==== shares: prop.test(x, n) (Wilson, continuity-corrected) and binom.test (Clopper-Pearson)\n")
for (xn in list(c(89, 100), c(0, 12), c(12, 12), c(3, 7), c(5, 10), c(1, 2))) {
  cc <- suppressWarnings(prop.test(xn[1], xn[2], correct = TRUE))$conf.int
  cp <- binom.test(xn[1], xn[2])$conf.int
  cat(xn, ":", format(c(cc, cp), digits = 15), "\n")
}

cat("==== reliability: bfi A1-A5, A1 reversed\n")
bfi <- read.csv("data/bfi_agreeableness.csv")
x <- bfi[, c("A1", "A2", "A3", "A4", "A5")]
pw <- psych::alpha(x, keys = c("A1"), warnings = FALSE)   # use = "pairwise" (psych's default)
cat("pairwise raw_alpha", pw$total$raw_alpha, "\n")
cat("rows with an answer", sum(rowSums(!is.na(x)) > 0), "complete", sum(complete.cases(x)), "\n")
r <- x; r$A1 <- 7 - r$A1
pn <- crossprod(!is.na(r)); cat("pairwise n range", min(pn[upper.tri(pn)]), max(pn[upper.tri(pn)]), "\n")
xl <- na.omit(x)
lw <- psych::alpha(xl, keys = c("A1"), warnings = FALSE)
print(lw$total[, c("raw_alpha", "ase")])
cat("Duhachek 95%:", lw$total$raw_alpha + c(-1, 1) * qnorm(0.975) * lw$total$ase, "\n")
print(lw$item.stats[, c("raw.r", "std.r", "r.cor", "r.drop")])

cat("==== constant item: na.omit(bfi)[1:200, A1-A5] with A1 reversed (7 - A1), plus A6 = 4 for everyone\n")
# (reversed by hand: psych 2.2.9 fails with keys when it drops an item)
xc <- xl[1:200, ]; xc$A1 <- 7 - xc$A1; xc$A6 <- 4
cc <- suppressWarnings(psych::alpha(xc, warnings = FALSE))
print(cc$total[, c("raw_alpha", "std.alpha", "average_r", "ase", "mean", "sd")])
print(cc$item.stats[, c("raw.r", "r.cor", "r.drop", "mean", "sd")])
print(cc$alpha.drop[, "raw_alpha"])
print(unlist(psych::alpha.ci(cc$total$raw_alpha, 200, 5)))

cat("==== omega with a logit-transformed Wald CI (lavaan est and se)\n")
rl <- xl; rl$A1 <- 7 - rl$A1
m <- 'f =~ l1*A1 + l2*A2 + l3*A3 + l4*A4 + l5*A5
      A1 ~~ t1*A1; A2 ~~ t2*A2; A3 ~~ t3*A3; A4 ~~ t4*A4; A5 ~~ t5*A5
      omega := (l1+l2+l3+l4+l5)^2 / ((l1+l2+l3+l4+l5)^2 + t1+t2+t3+t4+t5)'
fit <- cfa(m, data = rl, std.lv = TRUE, information = "expected")
pe <- parameterEstimates(fit); o <- pe[pe$label == "omega", c("est", "se")]
cat("omega est, se:", o$est, o$se, "\n")
z <- qnorm(0.975)
cat("logit CI:", plogis(qlogis(o$est) + c(-1, 1) * z * o$se / (o$est * (1 - o$est))), "\n")
