/* SPDX-License-Identifier: MIT */
#include <pthread.h>
#include <stdlib.h>
#include "handle.h"

static pthread_mutex_t graves_lock = PTHREAD_MUTEX_INITIALIZER;
static void *graves[HANDLE_GRAVES];
static unsigned int graves_next;

void handle_retire(void *p)
{
    pthread_mutex_lock(&graves_lock);
    void *oldest = graves[graves_next];
    graves[graves_next] = p;
    graves_next = (graves_next + 1) % HANDLE_GRAVES;
    pthread_mutex_unlock(&graves_lock);
    free(oldest);
}
